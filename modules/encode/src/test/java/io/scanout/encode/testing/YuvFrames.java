package io.scanout.encode.testing;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;

/**
 * Draws an {@link RgbImage} into an NV12 or YU12 frame from a {@link FramePool}, with BT.709
 * limited-range coefficients (what the encoder signals and {@link H264Decoder} converts back with).
 * Chroma is the mean of each 2×2 block.
 */
public final class YuvFrames {
    private YuvFrames() {
    }

    /** A new frame (one reference, the caller's) holding {@code image} in {@code format} (NV12 or YU12). */
    public static Frame draw(FramePool pool, DrmFormat format, RgbImage image) {
        if (format != DrmFormat.NV12 && format != DrmFormat.YU12) {
            throw new IllegalArgumentException("YuvFrames draws NV12 or YU12, not " + format);
        }
        Frame frame = pool.acquire(new VideoFormat(format, image.width(), image.height()));
        PlaneLayout layout = frame.layout();
        ByteBuffer buffer = frame.buffer();
        for (int y = 0; y < image.height(); y++) {
            long row = layout.offset(0) + (long) y * layout.stride(0);
            for (int x = 0; x < image.width(); x++) {
                int rgb = image.rgb(x, y);
                buffer.put((int) (row + x), (byte) luma(rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff));
            }
        }
        for (int cy = 0; cy < (image.height() + 1) / 2; cy++) {
            for (int cx = 0; cx < (image.width() + 1) / 2; cx++) {
                double r = 0;
                double g = 0;
                double b = 0;
                int n = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int x = 2 * cx + dx;
                        int y = 2 * cy + dy;
                        if (x < image.width() && y < image.height()) {
                            int rgb = image.rgb(x, y);
                            r += rgb >> 16 & 0xff;
                            g += rgb >> 8 & 0xff;
                            b += rgb & 0xff;
                            n++;
                        }
                    }
                }
                int cb = cb(r / n, g / n, b / n);
                int cr = cr(r / n, g / n, b / n);
                if (format == DrmFormat.NV12) {
                    int at = (int) (layout.offset(1) + (long) cy * layout.stride(1) + 2L * cx);
                    buffer.put(at, (byte) cb);
                    buffer.put(at + 1, (byte) cr);
                } else {
                    buffer.put((int) (layout.offset(1) + (long) cy * layout.stride(1) + cx), (byte) cb);
                    buffer.put((int) (layout.offset(2) + (long) cy * layout.stride(2) + cx), (byte) cr);
                }
            }
        }
        return frame;
    }

    static int luma(double r, double g, double b) {
        return clamp(16 + 219 * (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255);
    }

    static int cb(double r, double g, double b) {
        double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        return clamp(128 + 224 * ((b - y) / 1.8556) / 255);
    }

    static int cr(double r, double g, double b) {
        double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        return clamp(128 + 224 * ((r - y) / 1.5748) / 255);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
