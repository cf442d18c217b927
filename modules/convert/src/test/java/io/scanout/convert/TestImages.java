package io.scanout.convert;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;
import java.util.function.IntBinaryOperator;

/**
 * Test pictures written pixel by pixel in each RGB format's kernel byte order (core's DrmFormat
 * Javadoc), and the plain BT.709 limited-range formula the converter's output is checked against.
 */
final class TestImages {
    private TestImages() {
    }

    /** Writes {@code rgbAt(x, y)} (0xRRGGBB) into every pixel of an RGB frame, leaving row padding alone. */
    static void paint(Frame frame, IntBinaryOperator rgbAt) {
        PlaneLayout layout = frame.layout();
        ByteBuffer b = frame.buffer();
        int bpp = frame.format().bytesPerPixel(0);
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                int at = (int) layout.offset(0) + y * layout.stride(0) + x * bpp;
                byte[] px = pack(frame.format(), rgbAt.applyAsInt(x, y));
                for (int i = 0; i < bpp; i++) {
                    b.put(at + i, px[i]);
                }
            }
        }
    }

    static byte[] pack(DrmFormat f, int rgb) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        switch (f) {
            case XR24: return new byte[] {(byte) b, (byte) g, (byte) r, 0};
            case AR24: return new byte[] {(byte) b, (byte) g, (byte) r, (byte) 0x80};
            case XB24: return new byte[] {(byte) r, (byte) g, (byte) b, 0};
            case AB24: return new byte[] {(byte) r, (byte) g, (byte) b, (byte) 0x80};
            case RG24: return new byte[] {(byte) b, (byte) g, (byte) r};
            case BG24: return new byte[] {(byte) r, (byte) g, (byte) b};
            case RG16: {
                int w = q(r, 5) << 11 | q(g, 6) << 5 | q(b, 5);
                return new byte[] {(byte) w, (byte) (w >> 8)};
            }
            case XR30: case AR30: {
                int w = (f == DrmFormat.AR30 ? 1 : 0) << 30 | q(r, 10) << 20 | q(g, 10) << 10 | q(b, 10);
                return new byte[] {(byte) w, (byte) (w >> 8), (byte) (w >> 16), (byte) (w >>> 24)};
            }
            default: throw new IllegalArgumentException("not RGB: " + f);
        }
    }

    /** The colour as the format stores it, back in 0..1 per component. */
    static double[] stored(DrmFormat f, int rgb) {
        int[] bits = f == DrmFormat.RG16 ? new int[] {5, 6, 5}
                : f.bitsPerComponent() == 10 ? new int[] {10, 10, 10} : new int[] {8, 8, 8};
        int[] c = {rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff};
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            int max = (1 << bits[i]) - 1;
            out[i] = q(c[i], bits[i]) / (double) max;
        }
        return out;
    }

    private static int q(int v8, int bits) {
        return (int) Math.round(v8 * ((1 << bits) - 1) / 255.0);
    }

    /** BT.709, limited range, 8 bits: {Y, Cb, Cr} for R, G, B in 0..1. */
    static int[] bt709(double[] rgb) {
        double y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
        double cb = (rgb[2] - y) / 1.8556;
        double cr = (rgb[0] - y) / 1.5748;
        return new int[] {(int) Math.round(16 + 219 * y), (int) Math.round(128 + 224 * cb), (int) Math.round(128 + 224 * cr)};
    }

    static int[] bt709(DrmFormat f, int rgb) {
        return bt709(stored(f, rgb));
    }

    /**
     * The plain formula of {@link Colorimetry}'s Javadoc: {Y, Cb, Cr} codes of {@code bits}-bit
     * samples for R', G', B' in 0..1.
     */
    static int[] yuv(Colorimetry c, double[] rgb, int bits) {
        double kr = c.matrix().kr();
        double kb = c.matrix().kb();
        double y = kr * rgb[0] + (1 - kr - kb) * rgb[1] + kb * rgb[2];
        double cb = (rgb[2] - y) / (2 * (1 - kb));
        double cr = (rgb[0] - y) / (2 * (1 - kr));
        double m = 1 << (bits - 8);
        int max = (1 << bits) - 1;
        if (c.range() == Colorimetry.Range.LIMITED) {
            return new int[] {(int) Math.round(m * (16 + 219 * y)), (int) Math.round(m * (128 + 224 * cb)),
                (int) Math.round(m * (128 + 224 * cr))};
        }
        return new int[] {(int) Math.round(max * y), Math.min(max, (int) Math.round(m * 128 + max * cb)),
            Math.min(max, (int) Math.round(m * 128 + max * cr))};
    }

    /** The colour a frame of {@code f} stores for {@code rgb}, in {@code c}, as {@code bits}-bit codes. */
    static int[] yuv(Colorimetry c, DrmFormat f, int rgb, int bits) {
        return yuv(c, stored(f, rgb), bits);
    }

    /** The inverse of {@link #yuv(Colorimetry, double[], int)} for 8-bit codes: R', G', B' in 0..1, unclipped. */
    static double[] rgb(Colorimetry c, int y, int cb, int cr) {
        double kr = c.matrix().kr();
        double kb = c.matrix().kb();
        boolean limited = c.range() == Colorimetry.Range.LIMITED;
        double ey = limited ? (y - 16) / 219.0 : y / 255.0;
        double ecb = limited ? (cb - 128) / 224.0 : (cb - 128) / 255.0;
        double ecr = limited ? (cr - 128) / 224.0 : (cr - 128) / 255.0;
        double r = ey + 2 * (1 - kr) * ecr;
        double b = ey + 2 * (1 - kb) * ecb;
        double g = (ey - kr * r - kb * b) / (1 - kr - kb);
        return new double[] {r, g, b};
    }

    /** Fills every byte of a frame's buffer, padding included, so stale bytes show if they leak through. */
    static void scribble(Frame frame, int value) {
        ByteBuffer b = frame.buffer();
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) value);
        }
    }
}
