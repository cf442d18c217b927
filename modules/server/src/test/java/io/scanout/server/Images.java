package io.scanout.server;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.Rect;
import io.scanout.encode.testing.DecodedPicture;
import java.nio.ByteBuffer;
import java.util.function.IntBinaryOperator;

/** Pixel comparisons between what the source drew and what a viewer decoded. */
final class Images {
    private Images() {
    }

    /** 0xRRGGBB of an XR24 frame's pixel (memory order B, G, R, X). */
    static int rgbOfXr24(Frame frame, int x, int y) {
        ByteBuffer b = frame.buffer();
        int at = (int) (frame.layout().offset(0) + (long) y * frame.layout().stride(0) + 4L * x);
        return (b.get(at + 2) & 0xff) << 16 | (b.get(at + 1) & 0xff) << 8 | (b.get(at) & 0xff);
    }

    /** 0xRRGGBB of a pixel of an XR24 or RG16 frame, RG16's 5 and 6 bits widened as displays do. */
    static int rgbOf(Frame frame, int x, int y) {
        if (frame.format() == DrmFormat.XR24) {
            return rgbOfXr24(frame, x, y);
        }
        if (frame.format() != DrmFormat.RG16) {
            throw new IllegalArgumentException("test images are XR24 or RG16, not " + frame.format());
        }
        ByteBuffer b = frame.buffer();
        int at = (int) (frame.layout().offset(0) + (long) y * frame.layout().stride(0) + 2L * x);
        int word = (b.get(at) & 0xff) | (b.get(at + 1) & 0xff) << 8;
        int r = word >> 11 & 0x1f;
        int g = word >> 5 & 0x3f;
        int bl = word & 0x1f;
        return (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 | (bl << 3 | bl >> 2);
    }

    /** PSNR in dB over a rectangle, all three channels; infinity when identical. */
    static double psnr(Frame expected, DecodedPicture actual, Rect area) {
        return psnr((x, y) -> rgbOf(expected, x, y), actual, area);
    }

    /**
     * PSNR in dB over a rectangle, all three channels, against {@code expectedRgb(x, y)} (0xRRGGBB:
     * an {@code XwdImage::rgb}); infinity when identical.
     */
    static double psnr(IntBinaryOperator expectedRgb, DecodedPicture actual, Rect area) {
        double squares = 0;
        long samples = 0;
        for (int y = area.y(); y < area.bottom(); y++) {
            for (int x = area.x(); x < area.right(); x++) {
                int e = expectedRgb.applyAsInt(x, y);
                int a = actual.rgb(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = (e >> shift & 0xff) - (a >> shift & 0xff);
                    squares += d * d;
                    samples++;
                }
            }
        }
        double mse = squares / samples;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** The rectangle shrunk by {@code margin} on each side: away from edges that chroma subsampling blurs. */
    static Rect inset(Rect r, int margin) {
        return new Rect(r.x() + margin, r.y() + margin, Math.max(0, r.width() - 2 * margin),
                Math.max(0, r.height() - 2 * margin));
    }
}
