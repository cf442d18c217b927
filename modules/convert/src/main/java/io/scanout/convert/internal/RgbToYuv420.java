package io.scanout.convert.internal;

import static io.scanout.convert.internal.FixedPointCoefficients.clip;
import static io.scanout.convert.internal.NativeAccess.UNSAFE;

import io.scanout.core.Frame;

/**
 * The direct path's arithmetic in plain Java: two rows of 32-bit RGB pixels (XR24, AR24, XB24,
 * AB24, the fourth byte ignored; XR30, AR30, the top two bits ignored) to two rows of luma and one
 * row of 4:2:0 chroma, 8-bit codes or P010's 10-bit ones, by {@link FixedPointCoefficients}. The kernel where the JVM runs without the Vector API module
 * ({@link VectorRgbToYuv420} computes the same codes with it).
 *
 * <p>Chroma is sited as libswscale's path and H.264/HEVC's default have it (chroma_sample_loc_type
 * 0): horizontally on the even luma column, vertically between the two rows. Each chroma sample
 * is therefore the weighted mean {@code [1 2 1] / 4} across columns {@code 2i−1, 2i, 2i+1} of the
 * two rows' mean; column −1 repeats column 0. (libswscale's bilinear filter also spreads chroma
 * over the rows above and below, {@code [1 3 3 1] / 8}; here it is the two rows' mean.)
 *
 * <p>Speed, without the Vector API (an incubator module, behind a flag, in Java 17): each row is
 * copied into an {@code int[]} and the per-pixel arithmetic runs as plain loops over arrays, which
 * C2 compiles to SIMD; what cannot vectorise (narrowing to bytes, the 2:1 chroma filter) is done
 * by scalar loops writing eight luma bytes with one {@code putLong} and a chroma pair with one
 * {@code putShort} (P010: four luma words, and a chroma pair with one {@code putInt}). Measured on 1080p XR24 → NV12, one thread, best of 60 in one process on a
 * loaded 2-core machine: 2.7 ms, as fast as libswscale, where a scalar version reading two pixels
 * per {@code getLong} took 6.2 ms. No branch depends on pixel values.
 *
 * <p>Threads share it, each with its own {@link Rows}, the scratch of its worker index.
 */
final class RgbToYuv420 implements RowPairKernel {
    private static final long INT_BASE = UNSAFE.arrayBaseOffset(int[].class);
    private static final int SHIFT = FixedPointCoefficients.SHIFT;
    private static final int CHROMA_SHIFT = FixedPointCoefficients.CHROMA_SHIFT;

    /** {@link FixedPointCoefficients}' fields, copied so the loops read final fields of this class. */
    private final int y0;
    private final int y1;
    private final int y2;
    /** The luma offset plus rounding. */
    private final int yOffset;
    private final int cb0;
    private final int cb1;
    private final int cb2;
    private final int cr0;
    private final int cr1;
    private final int cr2;
    private final int chromaOffset;
    /** Bits per input component: 8 or 10. */
    private final int bits;
    /** The top code, 255 or 1023. */
    private final int maxCode;
    /** P010: 10-bit codes in the high bits of 16-bit words. */
    private final boolean words;
    private final Rows[] rows;

    /** One thread's scratch rows: the pixels and their per-pixel Y, Cb and Cr, for two rows. */
    private static final class Rows {
        private final int[] top;
        private final int[] bottom;
        private final int[] lumaTop;
        private final int[] lumaBottom;
        private final int[] blueTop;
        private final int[] blueBottom;
        private final int[] redTop;
        private final int[] redBottom;

        Rows(int width) {
            top = new int[width];
            bottom = new int[width];
            lumaTop = new int[width];
            lumaBottom = new int[width];
            blueTop = new int[width];
            blueBottom = new int[width];
            redTop = new int[width];
            redBottom = new int[width];
        }
    }

    /** A kernel for rows of up to {@code width} pixels, for {@code workers} threads. */
    RgbToYuv420(FixedPointCoefficients coefficients, int width, int workers) {
        this.y0 = coefficients.y0;
        this.y1 = coefficients.y1;
        this.y2 = coefficients.y2;
        this.cb0 = coefficients.cb0;
        this.cb1 = coefficients.cb1;
        this.cb2 = coefficients.cb2;
        this.cr0 = coefficients.cr0;
        this.cr1 = coefficients.cr1;
        this.cr2 = coefficients.cr2;
        this.yOffset = coefficients.yOffset;
        this.chromaOffset = coefficients.chromaOffset;
        this.bits = coefficients.bits;
        this.maxCode = coefficients.maxCode;
        this.words = coefficients.maxCode > 255;
        this.rows = new Rows[workers];
        for (int i = 0; i < workers; i++) {
            rows[i] = new Rows(width);
        }
    }

    /** Reads and writes by address: nothing to bind. */
    @Override
    public void bind(Frame source, Frame output) {
    }

    @Override
    public String describe() {
        return "plain Java" + RowPairKernels.whyNotVectorised().map(why -> ": " + why).orElse("");
    }

    @Override
    public void rowPair(long top, long bottom, long lumaTop, long lumaBottom, long cb, long cr, boolean interleaved,
                        int width, int worker) {
        Rows rows = this.rows[worker];
        UNSAFE.copyMemory(null, top, rows.top, INT_BASE, 4L * width);
        UNSAFE.copyMemory(null, bottom, rows.bottom, INT_BASE, 4L * width);
        // One row per loop: a loop over both rows at once (six outputs) measured three times slower,
        // C2 no longer vectorising it. The choice of loop is made here, not inside perPixel: a
        // branch there to the 10-bit loop made the 8-bit one three times slower as well (1080p
        // XR24 → NV12 on one thread, 8.6 ms against 2.7 ms), and so did one loop whose shifts and
        // mask came from fields (8.2 ms).
        if (bits == 8) {
            perPixel(rows.top, rows.lumaTop, rows.blueTop, rows.redTop, width);
            perPixel(rows.bottom, rows.lumaBottom, rows.blueBottom, rows.redBottom, width);
        } else {
            perPixel10(rows.top, rows.lumaTop, rows.blueTop, rows.redTop, width);
            perPixel10(rows.bottom, rows.lumaBottom, rows.blueBottom, rows.redBottom, width);
        }
        if (words) {
            storeLumaWords(rows.lumaTop, lumaTop, width);
            storeLumaWords(rows.lumaBottom, lumaBottom, width);
        } else {
            storeLuma(rows.lumaTop, lumaTop, width);
            storeLuma(rows.lumaBottom, lumaBottom, width);
        }
        storeChroma(rows, cb, cr, interleaved, width);
    }

    /** Y codes, and Cb and Cr before offset, rounding and shift, of 8-bit components: a plain array loop C2 vectorises. */
    private void perPixel(int[] pixels, int[] luma, int[] blue, int[] red, int width) {
        int a0 = y0;
        int a1 = y1;
        int a2 = y2;
        int offset = yOffset;
        int b0 = cb0;
        int b1 = cb1;
        int b2 = cb2;
        int r0 = cr0;
        int r1 = cr1;
        int r2 = cr2;
        for (int i = 0; i < width; i++) {
            int p = pixels[i];
            int c0 = p & 0xff;
            int c1 = p >> 8 & 0xff;
            int c2 = p >> 16 & 0xff;
            luma[i] = c0 * a0 + c1 * a1 + c2 * a2 + offset >> SHIFT;
            blue[i] = c0 * b0 + c1 * b1 + c2 * b2;
            red[i] = c0 * r0 + c1 * r1 + c2 * r2;
        }
    }

    /** {@link #perPixel} for 2:10:10:10 words: the same loop with the 10-bit shifts and mask as constants. */
    private void perPixel10(int[] pixels, int[] luma, int[] blue, int[] red, int width) {
        int a0 = y0;
        int a1 = y1;
        int a2 = y2;
        int offset = yOffset;
        int b0 = cb0;
        int b1 = cb1;
        int b2 = cb2;
        int r0 = cr0;
        int r1 = cr1;
        int r2 = cr2;
        for (int i = 0; i < width; i++) {
            int p = pixels[i];
            int c0 = p & 0x3ff;
            int c1 = p >> 10 & 0x3ff;
            int c2 = p >> 20 & 0x3ff;
            luma[i] = c0 * a0 + c1 * a1 + c2 * a2 + offset >> SHIFT;
            blue[i] = c0 * b0 + c1 * b1 + c2 * b2;
            red[i] = c0 * r0 + c1 * r1 + c2 * r2;
        }
    }

    private static void storeLuma(int[] luma, long to, int width) {
        int x = 0;
        for (; x + 8 <= width; x += 8) {
            UNSAFE.putLong(to + x, (luma[x] & 0xffL) | (luma[x + 1] & 0xffL) << 8 | (luma[x + 2] & 0xffL) << 16
                    | (luma[x + 3] & 0xffL) << 24 | (luma[x + 4] & 0xffL) << 32 | (luma[x + 5] & 0xffL) << 40
                    | (luma[x + 6] & 0xffL) << 48 | (luma[x + 7] & 0xffL) << 56);
        }
        for (; x < width; x++) {
            UNSAFE.putByte(to + x, (byte) luma[x]);
        }
    }

    /** P010: four 10-bit codes, each in the high bits of its 16-bit word, per {@code putLong}. */
    private static void storeLumaWords(int[] luma, long to, int width) {
        int x = 0;
        for (; x + 4 <= width; x += 4) {
            UNSAFE.putLong(to + 2L * x, (long) luma[x] << 6 | (long) luma[x + 1] << 22 | (long) luma[x + 2] << 38
                    | (long) luma[x + 3] << 54);
        }
        for (; x < width; x++) {
            UNSAFE.putShort(to + 2L * x, (short) (luma[x] << 6));
        }
    }

    private void storeChroma(Rows rows, long cb, long cr, boolean interleaved, int width) {
        int[] blueTop = rows.blueTop;
        int[] blueBottom = rows.blueBottom;
        int[] redTop = rows.redTop;
        int[] redBottom = rows.redBottom;
        int offset = chromaOffset;
        int max = maxCode;
        // Column −1 repeats column 0.
        int oddBlue = blueTop[0] + blueBottom[0];
        int oddRed = redTop[0] + redBottom[0];
        for (int x = 0; x < width; x += 2) {
            int nextBlue = blueTop[x + 1] + blueBottom[x + 1];
            int nextRed = redTop[x + 1] + redBottom[x + 1];
            int u = clip(oddBlue + 2 * (blueTop[x] + blueBottom[x]) + nextBlue + offset >> CHROMA_SHIFT, max);
            int v = clip(oddRed + 2 * (redTop[x] + redBottom[x]) + nextRed + offset >> CHROMA_SHIFT, max);
            oddBlue = nextBlue;
            oddRed = nextRed;
            if (words) {
                UNSAFE.putInt(cb + 2L * x, u << 6 | v << 22);
            } else if (interleaved) {
                UNSAFE.putShort(cb + x, (short) (u | v << 8));
            } else {
                UNSAFE.putByte(cb + (x >> 1), (byte) u);
                UNSAFE.putByte(cr + (x >> 1), (byte) v);
            }
        }
    }
}
