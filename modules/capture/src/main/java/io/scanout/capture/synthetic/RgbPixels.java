package io.scanout.capture.synthetic;

import io.scanout.core.DrmFormat;

/**
 * Packs a 24-bit {@code 0xRRGGBB} colour into the bytes one pixel takes in an RGB
 * {@link DrmFormat}, in the kernel's byte order. Narrower components are rounded
 * ({@code v × (2^bits − 1) / 255}); padding bits ({@code X}) and alpha are all ones (opaque).
 */
final class RgbPixels {
    private RgbPixels() {
    }

    static byte[] pack(DrmFormat format, int rgb) {
        int r = rgb >>> 16 & 0xff;
        int g = rgb >>> 8 & 0xff;
        int b = rgb & 0xff;
        switch (format) {
            case XR24:
            case AR24:
                return new byte[] {(byte) b, (byte) g, (byte) r, (byte) 0xff};
            case XB24:
            case AB24:
                return new byte[] {(byte) r, (byte) g, (byte) b, (byte) 0xff};
            case RG24:
                return new byte[] {(byte) b, (byte) g, (byte) r};
            case BG24:
                return new byte[] {(byte) r, (byte) g, (byte) b};
            case RG16: {
                int word = quantize(r, 5) << 11 | quantize(g, 6) << 5 | quantize(b, 5);
                return new byte[] {(byte) word, (byte) (word >>> 8)};
            }
            case XR30:
            case AR30: {
                int word = 3 << 30 | quantize(r, 10) << 20 | quantize(g, 10) << 10 | quantize(b, 10);
                return new byte[] {(byte) word, (byte) (word >>> 8), (byte) (word >>> 16), (byte) (word >>> 24)};
            }
            default:
                throw new IllegalArgumentException("the synthetic pattern draws RGB formats, not " + format);
        }
    }

    /** An 8-bit component at {@code bits} bits, rounded to nearest. */
    static int quantize(int value8, int bits) {
        int max = (1 << bits) - 1;
        return (value8 * max + 127) / 255;
    }

    /** {@code count} copies of a pixel. */
    static byte[] row(byte[] pixel, int count) {
        byte[] row = new byte[pixel.length * count];
        fill(row, 0, count, pixel);
        return row;
    }

    /** Writes {@code count} copies of a pixel into {@code row} from pixel {@code start}. */
    static void fill(byte[] row, int start, int count, byte[] pixel) {
        int bpp = pixel.length;
        if (count <= 0) {
            return;
        }
        int from = start * bpp;
        System.arraycopy(pixel, 0, row, from, bpp);
        // Doubling copies: log2(count) arraycopy calls instead of one per pixel.
        int filled = bpp;
        int total = count * bpp;
        while (filled < total) {
            int n = Math.min(filled, total - filled);
            System.arraycopy(row, from, row, from + filled, n);
            filled += n;
        }
    }
}
