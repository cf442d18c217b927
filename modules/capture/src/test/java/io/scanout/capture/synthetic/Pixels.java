package io.scanout.capture.synthetic;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import java.nio.ByteBuffer;

/**
 * Reads pixels back as core's {@link DrmFormat} Javadoc documents each format's bytes, written
 * apart from the pattern's packing code so the two check each other.
 */
final class Pixels {
    private Pixels() {
    }

    /** The components of a pixel at the format's own depth: {r, g, b, alpha-or-padding}. */
    static int[] read(Frame frame, int x, int y) {
        ByteBuffer b = frame.buffer();
        DrmFormat f = frame.format();
        int at = (int) frame.layout().offset(0) + y * frame.layout().stride(0) + x * f.bytesPerPixel(0);
        switch (f) {
            case XR24: case AR24:   // B, G, R, X/A in memory
                return new int[] {u(b, at + 2), u(b, at + 1), u(b, at), u(b, at + 3)};
            case XB24: case AB24:   // R, G, B, X/A
                return new int[] {u(b, at), u(b, at + 1), u(b, at + 2), u(b, at + 3)};
            case RG24:              // B, G, R
                return new int[] {u(b, at + 2), u(b, at + 1), u(b, at), 0};
            case BG24:              // R, G, B
                return new int[] {u(b, at), u(b, at + 1), u(b, at + 2), 0};
            case RG16: {            // little-endian word R:G:B 5:6:5
                int w = u(b, at) | u(b, at + 1) << 8;
                return new int[] {w >> 11, w >> 5 & 0x3f, w & 0x1f, 0};
            }
            case XR30: case AR30: { // little-endian word A:R:G:B 2:10:10:10
                long w = u(b, at) | u(b, at + 1) << 8 | u(b, at + 2) << 16 | (long) u(b, at + 3) << 24;
                return new int[] {(int) (w >> 20 & 0x3ff), (int) (w >> 10 & 0x3ff), (int) (w & 0x3ff), (int) (w >> 30)};
            }
            default:
                throw new IllegalArgumentException("not an RGB format: " + f);
        }
    }

    /** Bits of {r, g, b} in a format. */
    static int[] bits(DrmFormat f) {
        switch (f) {
            case RG16: return new int[] {5, 6, 5};
            case XR30: case AR30: return new int[] {10, 10, 10};
            default: return new int[] {8, 8, 8};
        }
    }

    /** A 0xRRGGBB colour at a format's depths, rounded to nearest. */
    static int[] expected(DrmFormat f, int rgb) {
        int[] bits = bits(f);
        int[] c = {rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff};
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            int max = (1 << bits[i]) - 1;
            out[i] = (int) Math.round(c[i] * max / 255.0);
        }
        return out;
    }

    static int[] rgb(int[] pixel) {
        return new int[] {pixel[0], pixel[1], pixel[2]};
    }

    private static int u(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }
}
