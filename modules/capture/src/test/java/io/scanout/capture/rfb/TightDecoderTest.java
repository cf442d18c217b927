package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Tight rectangles written byte by byte as a server writes them: every compression type and filter, and broken ones. */
class TightDecoderTest {
    private static final int RED = 0xff0000;
    private static final int GREEN = 0x00ff00;
    private static final int BLUE = 0x0000ff;

    /** A picture with {@code colours} distinct colours, from a fixed seed. */
    private static int[] picture(int w, int h, int colours, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] palette = new int[colours];
        for (int i = 0; i < colours; i++) {
            palette[i] = i * 0x010203 + random.nextInt(1 << 24) & 0xffffff;
        }
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = palette[i < colours ? i : random.nextInt(colours)];
        }
        return rgb;
    }

    /** A smooth picture, the kind servers send with the Gradient filter, with some noise so differences vary. */
    private static int[] smooth(int w, int h) {
        SplittableRandom random = new SplittableRandom(7);
        int[] rgb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[y * w + x] = (x * 255 / w) << 16 | (y * 255 / h) << 8 | (x + y + random.nextInt(9)) & 0xff;
            }
        }
        return rgb;
    }

    private static void paint(DecoderFixture f, int x, int y, int w, int[] rgb) {
        for (int i = 0; i < rgb.length; i++) {
            f.paintPixel(x + i % w, y + i / w, rgb[i]);
        }
    }

    @Test
    void fillAndEveryBasicFilterAcrossTheFourPersistentStreams() throws IOException {
        try (DecoderFixture f = new DecoderFixture(80, 60); TightMessages tight = new TightMessages()) {
            int[] copy = picture(20, 10, 1000, 1);
            int[] mono = picture(13, 9, 2, 2);
            int[] indexed = picture(30, 20, 200, 3);
            int[] gradient = smooth(40, 25);
            int[] tiny = picture(3, 1, 3, 4);
            Wire m = new Wire().update(6);
            tight.fill(m.rect(0, 0, 80, 60, Encodings.TIGHT), 0x336699);
            tight.copy(m.rect(1, 2, 20, 10, Encodings.TIGHT), 0, false, copy);
            tight.palette(m.rect(30, 0, 13, 9, Encodings.TIGHT), 1, false, mono, 13);
            tight.palette(m.rect(0, 30, 30, 20, Encodings.TIGHT), 2, false, indexed, 30);
            tight.gradient(m.rect(40, 30, 40, 25, Encodings.TIGHT), 3, false, gradient, 40);
            // 9 bytes of pixels: under 12, so sent without zlib.
            tight.copy(m.rect(70, 0, 3, 1, Encodings.TIGHT), 0, false, tiny);
            UpdateDecoder.Update update = f.decode(m);
            f.paint(0, 0, 80, 60, 0x336699);
            paint(f, 1, 2, 20, copy);
            paint(f, 30, 0, 13, mono);
            paint(f, 0, 30, 30, indexed);
            paint(f, 40, 30, 40, gradient);
            paint(f, 70, 0, 3, tiny);
            f.assertPicture();
            assertThat(update.damage().rectangles()).contains(new Rect(40, 30, 40, 25), new Rect(70, 0, 3, 1));
            assertThat(f.unread()).isZero();

            // The streams go on in the next update; stream 2 is reset first, the others continue.
            int[] again = picture(20, 10, 3, 5);
            int[] fresh = picture(16, 16, 40, 6);
            Wire next = new Wire().update(2);
            tight.copy(next.rect(5, 5, 20, 10, Encodings.TIGHT), 0, false, again);
            tight.palette(next.rect(50, 5, 16, 16, Encodings.TIGHT), 2, true, fresh, 16);
            f.decode(next);
            paint(f, 5, 5, 20, again);
            paint(f, 50, 5, 16, fresh);
            f.assertPicture();
        }
    }

    @Test
    void aFilterByteOfCopyAndAOneColourPaletteAreFine() throws IOException {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            // Explicit Copy filter, uncompressed: 2x1 pixels = 6 bytes.
            Wire m = new Wire().update(2).rect(0, 0, 2, 1, Encodings.TIGHT).u8(0x40).u8(TightDecoder.FILTER_COPY);
            TightMessages.tpixel(TightMessages.tpixel(m, RED), GREEN);
            // A one-colour palette: a byte a pixel, all zero (4 bytes, uncompressed).
            m.rect(0, 1, 4, 1, Encodings.TIGHT).u8(0x40).u8(TightDecoder.FILTER_PALETTE).u8(0);
            TightMessages.tpixel(m, BLUE).u8(0).u8(0).u8(0).u8(0);
            f.decode(m);
            f.paintPixel(0, 0, RED);
            f.paintPixel(1, 0, GREEN);
            f.paint(0, 1, 4, 1, BLUE);
            f.assertPicture();
        }
    }

    @Test
    void jpegDecodesCloseToThePicture() throws IOException {
        try (DecoderFixture f = new DecoderFixture(64, 48)) {
            int[] rgb = smooth(48, 32);
            f.decode(TightMessages.jpeg(new Wire().update(1).rect(8, 8, 48, 32, Encodings.TIGHT), rgb, 48, 0.95f));
            int[] actual = f.actual();
            long error = 0;
            for (int i = 0; i < rgb.length; i++) {
                int a = actual[(8 + i / 48) * 64 + 8 + i % 48];
                for (int shift = 0; shift < 24; shift += 8) {
                    error += Math.abs((a >>> shift & 0xff) - (rgb[i] >>> shift & 0xff));
                }
            }
            double meanError = (double) error / (rgb.length * 3);
            assertThat(meanError).as("mean error per component").isLessThan(4.0);
            // Outside the rectangle nothing was drawn.
            assertThat(actual[0]).isZero();
            assertThat(actual[64 * 48 - 1]).isZero();
        }
    }

    @Test
    void sixteenBitPixelsHaveTwoByteTpixels() throws IOException {
        PixelFormat rgb565 = new PixelFormat(16, 16, false, true, 31, 63, 31, 11, 5, 0);
        try (FramePool pool = new FramePool();
             Framebuffer fb = new Framebuffer(pool, DrmFormat.RG16, 8, 4);
             TightDecoder tight = new TightDecoder(rgb565)) {
            // Fill with 0xf800 (red), then a 2x2 gradient whose differences are all 1 in each component.
            Wire m = new Wire().u8(0x80).u8(0x00).u8(0xf8);
            m.u8(0x40).u8(TightDecoder.FILTER_GRADIENT);
            for (int i = 0; i < 4; i++) {
                m.u8(0x21).u8(0x08);
            }
            WireIn in = new WireIn(new ByteArrayInputStream(m.toByteArray()));
            tight.decode(in, fb, 0, 0, 8, 4);
            tight.decode(in, fb, 0, 0, 2, 2);
            assertThat(fb.pixel(7, 3)).isEqualTo(0xf800);
            // Predictions: (0,0) 0 → 1; (1,0) left 1 → 2; (0,1) above 1 → 2; (1,1) 2 + 2 - 1 = 3 → 4.
            assertThat(fb.pixel(0, 0)).isEqualTo(1 << 11 | 1 << 5 | 1);
            assertThat(fb.pixel(1, 0)).isEqualTo(2 << 11 | 2 << 5 | 2);
            assertThat(fb.pixel(0, 1)).isEqualTo(2 << 11 | 2 << 5 | 2);
            assertThat(fb.pixel(1, 1)).isEqualTo(4 << 11 | 4 << 5 | 4);
        }
    }

    private static void assertTightError(Wire body, int w, int h, String message) {
        try (DecoderFixture f = new DecoderFixture(16, 16)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, w, h, Encodings.TIGHT).bytes(body)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessageStartingWith(message);
        }
    }

    @Test
    void brokenAndHostileRectanglesAreProtocolErrorsNamingTheNumbers() {
        assertTightError(new Wire().u8(0xa0), 4, 4,
                "Tight rectangle 4x4 has compression control 0xa0: type 10 is none of Basic (0-7), Fill (8) or JPEG (9)");
        assertTightError(new Wire().u8(0x40).u8(3), 4, 4,
                "Tight rectangle 4x4 uses filter 3, which is none of Copy (0), Palette (1) or Gradient (2)");
        assertTightError(TightMessages.tpixel(new Wire().u8(0x40).u8(1).u8(0), RED).u8(1), 1, 1,
                "Tight palette rectangle 1x1 uses index 1 of a 1-colour palette at 0,0");
        Wire threeColours = new Wire().u8(0x40).u8(1).u8(2);
        TightMessages.tpixel(TightMessages.tpixel(TightMessages.tpixel(threeColours, RED), GREEN), BLUE);
        assertTightError(threeColours.u8(0).u8(1).u8(2).u8(3), 4, 1,
                "Tight palette rectangle 4x1 uses index 3 of a 3-colour palette at 3,0");
        // 4x4 Copy is 48 bytes of pixels; the biggest compact length is 4194303.
        assertTightError(new Wire().u8(0x00).bytes(TightMessages.compact(TightDecoder.MAX_COMPACT_LENGTH)), 4, 4,
                "Tight rectangle 4x4 claims 4194303 compressed bytes for 48 bytes of pixels, more than the 1120");
        assertTightError(new Wire().u8(0x90).bytes(TightMessages.compact(TightDecoder.MAX_COMPACT_LENGTH)), 1, 1,
                "Tight JPEG rectangle 1x1 claims 4194303 bytes, more than the 65539 it could need");
        assertTightError(new Wire().u8(0x90).bytes(TightMessages.compact(5)).u8(1).u8(2).u8(3).u8(4).u8(5), 4, 4,
                "Tight JPEG rectangle 4x4 (5 bytes) cannot be decoded: ");
        byte[] eightByEight = TightMessages.jpegBytes(picture(8, 8, 3, 9), 8, 0.9f);
        assertTightError(new Wire().u8(0x90).bytes(TightMessages.compact(eightByEight.length)).bytes(eightByEight),
                4, 4, "Tight JPEG rectangle 4x4 holds a 8x8 picture");
        Deflater deflater = new Deflater();
        byte[] short12 = Wire.deflate(deflater, new byte[12]);
        deflater.end();
        assertTightError(new Wire().u8(0x00).bytes(TightMessages.compact(short12.length)).bytes(short12), 4, 4,
                "a Tight stream 0 rectangle's " + short12.length
                        + " compressed bytes decompress to less data than its pixels need");
        assertTightError(new Wire().u8(0x10).bytes(TightMessages.compact(4)).u8(0xff).u8(0xff).u8(0xff).u8(0xff), 4, 4,
                "the Tight stream 1 zlib stream is corrupt: ");
    }
}
