package io.scanout.bench;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@link EncodeBenchmark} desktop ({@link DesktopScene}) as a framebuffer holds it: XR24 (B, G,
 * R, X bytes in memory, FFmpeg's {@code bgra}/{@code bgr0}), {@value EncodeBenchmark#FRAMES} distinct
 * frames, the strokes in colour with now and then a blue link. The X byte is 0xFF, so FFmpeg reading
 * the bytes as {@code bgra} sees them opaque.
 *
 * <p>{@link EncodeVsFfmpeg} hands the same bytes to Scanout's convert and encode stages (from
 * memory) and to the ffmpeg command line (from the file {@link #write} makes).
 */
final class BgraDesktop {
    private BgraDesktop() {
    }

    /** Paints frame {@code index} into {@code frame}, which must be XR24, and returns it. */
    static Frame paint(Frame frame, int index) {
        if (frame.format() != DrmFormat.XR24) {
            throw new IllegalArgumentException("the desktop is painted in XR24, not " + frame.format());
        }
        int width = frame.width();
        int height = frame.height();
        PlaneLayout layout = frame.layout();
        ByteBuffer b = frame.buffer();
        DesktopScene.paint(width, height, index, (x, y, part) -> {
            int rgb = switch (part) {
                case TITLE_BAR -> 0x2E4A7A;
                case WINDOW_LIGHT -> 0xDCE6F0;
                case WINDOW_DARK -> 0xBEC8D2;
                // "Text": dark strokes, now and then a coloured link, on a light page.
                case INK -> (x / 400 + y / 20) % 5 == 0 ? 0x1A4FC8 : 0x202020;
                case PAGE -> 0xF4F4F0;
                case BACKGROUND -> {
                    int shade = 120 + (x + y) / 64 % 40;
                    yield shade << 16 | (shade + x / 60 % 8) << 8 | (shade + 20 - y / 60 % 8);
                }
            };
            int at = (int) (layout.offset(0) + (long) y * layout.stride(0)) + 4 * x;
            b.put(at, (byte) rgb);
            b.put(at + 1, (byte) (rgb >> 8));
            b.put(at + 2, (byte) (rgb >> 16));
            b.put(at + 3, (byte) 0xFF);
        });
        return frame;
    }

    /**
     * Writes the {@value EncodeBenchmark#FRAMES} frames at this size to {@code file}, rows packed,
     * one frame after another: raw video for {@code ffmpeg -f rawvideo -pix_fmt bgra -s WxH}.
     */
    static void write(Path file, int width, int height) throws IOException {
        PlaneLayout packed = PlaneLayout.packed(DrmFormat.XR24, width, height);
        try (FramePool pool = new FramePool(1);
             FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (int i = 0; i < EncodeBenchmark.FRAMES; i++) {
                Frame frame = paint(pool.acquire(packed), i);
                try {
                    ByteBuffer bytes = frame.buffer().limit((int) packed.requiredBytes());
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                } finally {
                    frame.release();
                }
            }
        }
    }

    /** The frames in memory, XR24 at this size, as a framebuffer source would hand them over. */
    static Frame[] frames(FramePool pool, int width, int height) {
        Frame[] frames = new Frame[EncodeBenchmark.FRAMES];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = paint(pool.acquire(new VideoFormat(DrmFormat.XR24, width, height)), i);
        }
        return frames;
    }
}
