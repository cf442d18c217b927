package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A framebuffer, an {@link UpdateDecoder} and the picture the test expects, side by side: a test
 * paints what the server's message should draw into {@link #expected} by hand and compares.
 */
final class DecoderFixture implements UpdateDecoder.Target, AutoCloseable {
    final FramePool pool = new FramePool();
    final UpdateDecoder decoder = new UpdateDecoder(PixelFormat.BGRX);
    final List<CursorImage> cursors = new ArrayList<>();
    Framebuffer fb;
    int[] expected;
    private ByteArrayInputStream stream;

    DecoderFixture(int width, int height) {
        fb = new Framebuffer(pool, DrmFormat.XR24, width, height);
        expected = new int[width * height];
    }

    @Override
    public Framebuffer framebuffer() {
        return fb;
    }

    @Override
    public void resize(int width, int height) {
        fb.close();
        fb = new Framebuffer(pool, DrmFormat.XR24, width, height);
        expected = new int[width * height];
    }

    @Override
    public void cursor(CursorImage cursor) {
        cursors.add(cursor);
    }

    /** Decodes a whole FramebufferUpdate message (type byte included). */
    UpdateDecoder.Update decode(Wire message) throws IOException {
        stream = new ByteArrayInputStream(message.toByteArray());
        WireIn in = new WireIn(stream);
        assertThat(in.u8()).as("message type").isZero();
        return decoder.read(in, this, System.nanoTime());
    }

    /** Bytes of the last message the decoder left unread. */
    int unread() {
        return stream.available();
    }

    void paint(int x, int y, int w, int h, int rgb) {
        for (int r = y; r < y + h; r++) {
            Arrays.fill(expected, r * fb.width() + x, r * fb.width() + x + w, rgb);
        }
    }

    void paintPixel(int x, int y, int rgb) {
        expected[y * fb.width() + x] = rgb;
    }

    /** The framebuffer's colours, 0xRRGGBB, row by row. */
    int[] actual() {
        int[] rgb = new int[fb.width() * fb.height()];
        for (int y = 0; y < fb.height(); y++) {
            for (int x = 0; x < fb.width(); x++) {
                rgb[y * fb.width() + x] = fb.pixel(x, y) & 0xffffff;
            }
        }
        return rgb;
    }

    void assertPicture() {
        int[] actual = actual();
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != expected[i]) {
                throw new AssertionError(String.format("pixel %d,%d is %06x, expected %06x",
                        i % fb.width(), i / fb.width(), actual[i], expected[i]));
            }
        }
    }

    @Override
    public void close() {
        decoder.close();
        fb.close();
        assertThat(pool.stats().outstanding()).isZero();
        pool.close();
    }
}
