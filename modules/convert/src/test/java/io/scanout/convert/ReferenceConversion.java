package io.scanout.convert;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The convert stage written the slow, obvious way, for tests: reads any input frame's bytes where
 * its {@link PlaneLayout} says, unpacks every pixel to R'G'B' in 0..1 (or its YUV samples) at full
 * precision, and applies {@link Colorimetry}'s formulas in doubles, rounding only the final code.
 * Odd sizes are padded by repeating the last column and row, as the stage does.
 *
 * <p>4:2:0 chroma is sited as the stage documents it (H.264's default, left): horizontally on the
 * even column, each sample weighing columns {@code 2i−1, 2i, 2i+1} as {@code 1, 2, 1}; vertically
 * between rows {@code 2j} and {@code 2j+1}, where the two paths filter differently ({@link
 * ChromaFilter}). Samples outside the picture repeat its edge. The chroma filter runs on
 * the unrounded Cb/Cr values (a linear function of R'G'B', so filtering RGB or Cb/Cr is the same).
 *
 * <p>YUV inputs in the output's matrix are mapped sample by sample (range and bit depth only; YUYV's
 * 4:2:2 chroma filtered down vertically). In another matrix they are decoded to R'G'B' per pixel,
 * clipped to 0..1 (the stage's 16-bit RGB step clips), with the chroma sample that covers the pixel:
 * exact only for pictures whose chroma is flat, which is what tests give that case.
 */
final class ReferenceConversion {
    /** How 4:2:0 chroma is filtered vertically. */
    enum ChromaFilter {
        /** The direct path: the mean of the two rows the sample sits between. */
        TWO_ROWS(new int[] {0, 1}, new int[] {1, 1}),
        /** libswscale's bilinear 2:1 filter: rows {@code 2j−1 .. 2j+2} weighing {@code 1, 3, 3, 1}. */
        FOUR_ROWS(new int[] {-1, 0, 1, 2}, new int[] {1, 3, 3, 1});

        final int[] rows;
        final int[] weights;

        ChromaFilter(int[] rows, int[] weights) {
            this.rows = rows;
            this.weights = weights;
        }
    }

    /** The expected output: codes of {@code bits}-bit samples, luma {@code width × height}, chroma half each way. */
    record Picture(int width, int height, int bits, int[] y, int[] cb, int[] cr) {
        int chromaWidth() {
            return width / 2;
        }

        int chromaHeight() {
            return height / 2;
        }
    }

    private static final int[] COLUMNS = {-1, 0, 1};
    private static final int[] COLUMN_WEIGHTS = {1, 2, 1};

    private ReferenceConversion() {
    }

    /** What {@code in} becomes under {@code settings} (no crop, no scaling), chroma filtered as {@code filter} says. */
    static Picture expected(Frame in, ConvertSettings settings, ChromaFilter filter) {
        if (settings.crop().isPresent() || settings.scaling().mode() != Scaling.Mode.NONE) {
            throw new IllegalArgumentException("the reference neither crops nor scales: " + settings);
        }
        DrmFormat format = in.format();
        Colorimetry out = settings.colorimetry();
        int bits = settings.targetFor(format) == DrmFormat.P010 ? 10 : 8;
        boolean sampleBySample = !format.isRgb() && settings.yuvInput().matrix() == out.matrix();
        return sampleBySample ? remapped(in, settings.yuvInput(), out, bits, filter)
                : encoded(in, settings.yuvInput(), out, bits, filter);
    }

    /** Through R'G'B': every luma sample of its pixel, every chroma sample of the filtered Cb/Cr. */
    private static Picture encoded(Frame in, Colorimetry yuvIn, Colorimetry out, int bits, ChromaFilter filter) {
        int w = in.width();
        int h = in.height();
        int width = w + (w & 1);
        int height = h + (h & 1);
        double kr = out.matrix().kr();
        double kb = out.matrix().kb();
        int[] y = new int[width * height];
        double[] eb = new double[width * height];
        double[] er = new double[width * height];
        for (int py = 0; py < height; py++) {
            for (int px = 0; px < width; px++) {
                double[] rgb = in.format().isRgb() ? rgb(in, Math.min(px, w - 1), Math.min(py, h - 1))
                        : decoded(in, yuvIn, Math.min(px, w - 1), Math.min(py, h - 1));
                double luma = kr * rgb[0] + (1 - kr - kb) * rgb[1] + kb * rgb[2];
                int i = py * width + px;
                y[i] = lumaCode(out.range(), luma, bits);
                eb[i] = (rgb[2] - luma) / (2 * (1 - kb));
                er[i] = (rgb[0] - luma) / (2 * (1 - kr));
            }
        }
        int cw = width / 2;
        int ch = height / 2;
        int[] cb = new int[cw * ch];
        int[] cr = new int[cw * ch];
        for (int cy = 0; cy < ch; cy++) {
            for (int cx = 0; cx < cw; cx++) {
                cb[cy * cw + cx] = chromaCode(out.range(), filtered(eb, width, height, cx, cy, filter), bits);
                cr[cy * cw + cx] = chromaCode(out.range(), filtered(er, width, height, cx, cy, filter), bits);
            }
        }
        return new Picture(width, height, bits, y, cb, cr);
    }

    /** The 4:2:0 chroma sample at {@code (cx, cy)} of per-pixel values, edges repeated. */
    private static double filtered(double[] values, int width, int height, int cx, int cy, ChromaFilter filter) {
        double sum = 0;
        int weights = 0;
        for (int i = 0; i < COLUMNS.length; i++) {
            int x = clamp(2 * cx + COLUMNS[i], width);
            for (int j = 0; j < filter.rows.length; j++) {
                int yy = clamp(2 * cy + filter.rows[j], height);
                int weight = COLUMN_WEIGHTS[i] * filter.weights[j];
                sum += weight * values[yy * width + x];
                weights += weight;
            }
        }
        return sum / weights;
    }

    /** Same matrix: each sample re-coded for the output's range and depth; YUYV's chroma filtered down. */
    private static Picture remapped(Frame in, Colorimetry yuvIn, Colorimetry out, int bits, ChromaFilter filter) {
        DrmFormat format = in.format();
        int w = in.width();
        int h = in.height();
        int width = w + (w & 1);
        int height = h + (h & 1);
        int inBits = format.bitsPerComponent();
        int[] y = new int[width * height];
        for (int py = 0; py < height; py++) {
            for (int px = 0; px < width; px++) {
                int code = lumaSample(in, Math.min(px, w - 1), Math.min(py, h - 1));
                double luma = lumaValue(yuvIn.range(), code, inBits);
                y[py * width + px] = lumaCode(out.range(), luma, bits);
            }
        }
        int cw = width / 2;
        int ch = height / 2;
        int[] cb = new int[cw * ch];
        int[] cr = new int[cw * ch];
        for (int cy = 0; cy < ch; cy++) {
            for (int cx = 0; cx < cw; cx++) {
                double[] c = new double[2];
                if (format == DrmFormat.YUYV) {
                    // 4:2:2 to 4:2:0: the same columns, rows filtered down (the pad row repeats the last).
                    int weights = 0;
                    for (int j = 0; j < filter.rows.length; j++) {
                        int row = Math.min(clamp(2 * cy + filter.rows[j], height), h - 1);
                        int[] s = chromaSample(in, cx, row);
                        c[0] += filter.weights[j] * chromaValue(yuvIn.range(), s[0], inBits);
                        c[1] += filter.weights[j] * chromaValue(yuvIn.range(), s[1], inBits);
                        weights += filter.weights[j];
                    }
                    c[0] /= weights;
                    c[1] /= weights;
                } else {
                    int[] s = chromaSample(in, cx, cy);
                    c[0] = chromaValue(yuvIn.range(), s[0], inBits);
                    c[1] = chromaValue(yuvIn.range(), s[1], inBits);
                }
                cb[cy * cw + cx] = chromaCode(out.range(), c[0], bits);
                cr[cy * cw + cx] = chromaCode(out.range(), c[1], bits);
            }
        }
        return new Picture(width, height, bits, y, cb, cr);
    }

    /** R', G', B' in 0..1 of pixel {@code (x, y)} of an RGB frame, in the kernel's byte order; alpha ignored. */
    static double[] rgb(Frame frame, int x, int y) {
        PlaneLayout l = frame.layout();
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        DrmFormat f = frame.format();
        int at = Math.toIntExact(l.offset(0) + (long) y * l.stride(0) + (long) x * f.bytesPerPixel(0));
        switch (f) {
            case XR24: case AR24: case RG24:
                return eight(b.get(at + 2), b.get(at + 1), b.get(at));
            case XB24: case AB24: case BG24:
                return eight(b.get(at), b.get(at + 1), b.get(at + 2));
            case RG16: {
                int word = b.getShort(at) & 0xffff;
                return new double[] {(word >> 11) / 31.0, (word >> 5 & 0x3f) / 63.0, (word & 0x1f) / 31.0};
            }
            case XR30: case AR30: {
                int word = b.getInt(at);
                return new double[] {(word >> 20 & 0x3ff) / 1023.0, (word >> 10 & 0x3ff) / 1023.0,
                    (word & 0x3ff) / 1023.0};
            }
            default:
                throw new IllegalArgumentException("not RGB: " + f);
        }
    }

    private static double[] eight(byte r, byte g, byte b) {
        return new double[] {(r & 0xff) / 255.0, (g & 0xff) / 255.0, (b & 0xff) / 255.0};
    }

    /** The luma code at {@code (x, y)} of a YUV frame (10-bit codes for P010). */
    static int lumaSample(Frame frame, int x, int y) {
        PlaneLayout l = frame.layout();
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        long row = l.offset(0) + (long) y * l.stride(0);
        switch (frame.format()) {
            case NV12: case YU12: return b.get(Math.toIntExact(row + x)) & 0xff;
            case YUYV: return b.get(Math.toIntExact(row + 2L * x)) & 0xff;
            case P010: return (b.getShort(Math.toIntExact(row + 2L * x)) & 0xffff) >> 6;
            default: throw new IllegalArgumentException("not YUV: " + frame.format());
        }
    }

    /**
     * {Cb, Cr} codes of chroma sample {@code (cx, cy)}: for 4:2:0 formats of the 2×2 block, for
     * YUYV of the pixel pair {@code 2cx, 2cx+1} on row {@code cy}.
     */
    static int[] chromaSample(Frame frame, int cx, int cy) {
        PlaneLayout l = frame.layout();
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (frame.format()) {
            case NV12: {
                int at = Math.toIntExact(l.offset(1) + (long) cy * l.stride(1) + 2L * cx);
                return new int[] {b.get(at) & 0xff, b.get(at + 1) & 0xff};
            }
            case YU12:
                return new int[] {b.get(Math.toIntExact(l.offset(1) + (long) cy * l.stride(1) + cx)) & 0xff,
                    b.get(Math.toIntExact(l.offset(2) + (long) cy * l.stride(2) + cx)) & 0xff};
            case YUYV: {
                int at = Math.toIntExact(l.offset(0) + (long) cy * l.stride(0) + 4L * cx);
                return new int[] {b.get(at + 1) & 0xff, b.get(at + 3) & 0xff};
            }
            case P010: {
                int at = Math.toIntExact(l.offset(1) + (long) cy * l.stride(1) + 4L * cx);
                return new int[] {(b.getShort(at) & 0xffff) >> 6, (b.getShort(at + 2) & 0xffff) >> 6};
            }
            default:
                throw new IllegalArgumentException("not YUV: " + frame.format());
        }
    }

    /** R'G'B' of a YUV frame's pixel with the chroma sample covering it, clipped to 0..1. */
    private static double[] decoded(Frame frame, Colorimetry c, int x, int y) {
        int bits = frame.format().bitsPerComponent();
        int chromaRow = frame.format() == DrmFormat.YUYV ? y : y / 2;
        int[] s = chromaSample(frame, x / 2, chromaRow);
        double luma = lumaValue(c.range(), lumaSample(frame, x, y), bits);
        double cb = chromaValue(c.range(), s[0], bits);
        double cr = chromaValue(c.range(), s[1], bits);
        double kr = c.matrix().kr();
        double kb = c.matrix().kb();
        double r = luma + 2 * (1 - kr) * cr;
        double b = luma + 2 * (1 - kb) * cb;
        double g = (luma - kr * r - kb * b) / (1 - kr - kb);
        return new double[] {unit(r), unit(g), unit(b)};
    }

    /** Y' (0..1 for codes in range) of a luma code. */
    static double lumaValue(Colorimetry.Range range, int code, int bits) {
        double m = 1 << (bits - 8);
        return range == Colorimetry.Range.LIMITED ? (code / m - 16) / 219 : code / (double) ((1 << bits) - 1);
    }

    /** Cb or Cr (−0.5..0.5 for codes in range) of a chroma code. */
    static double chromaValue(Colorimetry.Range range, int code, int bits) {
        double m = 1 << (bits - 8);
        return range == Colorimetry.Range.LIMITED ? (code / m - 128) / 224
                : (code - 128 * m) / ((1 << bits) - 1);
    }

    /** Colorimetry's formula, rounded and clipped to the code range. */
    static int lumaCode(Colorimetry.Range range, double luma, int bits) {
        double m = 1 << (bits - 8);
        int max = (1 << bits) - 1;
        double code = range == Colorimetry.Range.LIMITED ? m * (16 + 219 * luma) : max * luma;
        return clip(Math.round(code), max);
    }

    static int chromaCode(Colorimetry.Range range, double chroma, int bits) {
        double m = 1 << (bits - 8);
        int max = (1 << bits) - 1;
        double code = range == Colorimetry.Range.LIMITED ? m * (128 + 224 * chroma) : m * 128 + max * chroma;
        return clip(Math.round(code), max);
    }

    private static int clip(long code, int max) {
        return (int) Math.max(0, Math.min(max, code));
    }

    private static double unit(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static int clamp(int i, int size) {
        return Math.max(0, Math.min(size - 1, i));
    }
}
