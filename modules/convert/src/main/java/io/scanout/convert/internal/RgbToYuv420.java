package io.scanout.convert.internal;

import static io.scanout.convert.internal.NativeAccess.UNSAFE;

import io.scanout.convert.Colorimetry;
import io.scanout.core.DrmFormat;

/**
 * The arithmetic of the direct path: two rows of 32-bit RGB pixels (XR24, AR24, XB24, AB24; the
 * fourth byte ignored) to two rows of 8-bit luma and one row of 4:2:0 chroma, by the formulas of
 * {@link Colorimetry} in 16-bit fixed point, rounded to nearest: within half a code of the exact
 * formula plus 2⁻⁸ for the rounded coefficients, so never more than one code off.
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
 * {@code putShort}. Measured on 1080p XR24 → NV12, one thread, best of 60 in one process on a
 * loaded 2-core machine: 2.7 ms, as fast as libswscale, where a scalar version reading two pixels
 * per {@code getLong} took 6.2 ms. No branch depends on pixel values.
 *
 * <p>Immutable; threads share it, each with its own {@link Rows}.
 */
final class RgbToYuv420 {
    private static final long INT_BASE = UNSAFE.arrayBaseOffset(int[].class);
    private static final int SHIFT = 16;
    /** A chroma sample weighs eight: columns 1 + 2 + 1, times two rows. */
    private static final int CHROMA_SHIFT = SHIFT + 3;

    /** Coefficients for the byte at bit 0, 8 and 16 of a pixel's little-endian word. */
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

    /** One thread's scratch rows: the pixels and their per-pixel Y, Cb and Cr, for two rows. */
    static final class Rows {
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

    /**
     * @throws IllegalArgumentException unless {@code input} is XR24, AR24, XB24 or AB24
     */
    RgbToYuv420(DrmFormat input, Colorimetry colorimetry) {
        if (!supports(input)) {
            throw new IllegalArgumentException("the direct path reads XR24, AR24, XB24 and AB24, not " + input);
        }
        double kr = colorimetry.matrix().kr();
        double kb = colorimetry.matrix().kb();
        boolean limited = colorimetry.range() == Colorimetry.Range.LIMITED;
        // RGB codes are 0..255: the luma and chroma scales take 255 codes of R'G'B' to 219 or 224
        // (limited) or 255 (full) codes of Y'CbCr.
        double yScale = (limited ? 219.0 : 255.0) / 255.0 * (1 << SHIFT);
        double cScale = (limited ? 224.0 : 255.0) / 255.0 * (1 << SHIFT);
        int yr = (int) Math.round(kr * yScale);
        int yb = (int) Math.round(kb * yScale);
        // Green takes what the others leave, so white is exactly the top code.
        int yg = (int) Math.round(yScale) - yr - yb;
        int cbr = (int) Math.round(-kr / (2 * (1 - kb)) * cScale);
        int cbb = (int) Math.round(0.5 * cScale);
        int cbg = -cbr - cbb;   // greys have exactly no chroma
        int crr = (int) Math.round(0.5 * cScale);
        int crb = (int) Math.round(-kb / (2 * (1 - kr)) * cScale);
        int crg = -crr - crb;
        // XR24/AR24 words are 0xXXRRGGBB (blue in the low byte); XB24/AB24 words 0xXXBBGGRR.
        boolean blueLow = input == DrmFormat.XR24 || input == DrmFormat.AR24;
        this.y0 = blueLow ? yb : yr;
        this.y1 = yg;
        this.y2 = blueLow ? yr : yb;
        this.cb0 = blueLow ? cbb : cbr;
        this.cb1 = cbg;
        this.cb2 = blueLow ? cbr : cbb;
        this.cr0 = blueLow ? crb : crr;
        this.cr1 = crg;
        this.cr2 = blueLow ? crr : crb;
        this.yOffset = ((limited ? 16 : 0) << SHIFT) + (1 << (SHIFT - 1));
        this.chromaOffset = (128 << CHROMA_SHIFT) + (1 << (CHROMA_SHIFT - 1));
    }

    static boolean supports(DrmFormat input) {
        return input == DrmFormat.XR24 || input == DrmFormat.AR24 || input == DrmFormat.XB24
                || input == DrmFormat.AB24;
    }

    /**
     * Converts two rows of {@code width} pixels (even, at least 2, at most the width of {@code rows}).
     *
     * @param top         the first pixel of the upper row
     * @param bottom      the first pixel of the lower row
     * @param lumaTop     where the upper row's luma goes
     * @param lumaBottom  where the lower row's luma goes
     * @param cb          where the row's Cb goes (NV12: the interleaved CbCr row)
     * @param cr          where the row's Cr goes (ignored for NV12)
     * @param interleaved NV12's CbCr pairs rather than I420's separate planes
     * @param rows        the calling thread's scratch
     */
    void rowPair(long top, long bottom, long lumaTop, long lumaBottom, long cb, long cr, boolean interleaved,
                 int width, Rows rows) {
        UNSAFE.copyMemory(null, top, rows.top, INT_BASE, 4L * width);
        UNSAFE.copyMemory(null, bottom, rows.bottom, INT_BASE, 4L * width);
        // One row per loop: a loop over both rows at once (six outputs) measured three times slower,
        // C2 no longer vectorising it.
        perPixel(rows.top, rows.lumaTop, rows.blueTop, rows.redTop, width);
        perPixel(rows.bottom, rows.lumaBottom, rows.blueBottom, rows.redBottom, width);
        storeLuma(rows.lumaTop, lumaTop, width);
        storeLuma(rows.lumaBottom, lumaBottom, width);
        storeChroma(rows, cb, cr, interleaved, width);
    }

    /** Y codes, and Cb and Cr before offset, rounding and shift: a plain array loop C2 vectorises. */
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

    private void storeChroma(Rows rows, long cb, long cr, boolean interleaved, int width) {
        int[] blueTop = rows.blueTop;
        int[] blueBottom = rows.blueBottom;
        int[] redTop = rows.redTop;
        int[] redBottom = rows.redBottom;
        int offset = chromaOffset;
        // Column −1 repeats column 0.
        int oddBlue = blueTop[0] + blueBottom[0];
        int oddRed = redTop[0] + redBottom[0];
        for (int x = 0; x < width; x += 2) {
            int nextBlue = blueTop[x + 1] + blueBottom[x + 1];
            int nextRed = redTop[x + 1] + redBottom[x + 1];
            int u = clip(oddBlue + 2 * (blueTop[x] + blueBottom[x]) + nextBlue + offset >> CHROMA_SHIFT);
            int v = clip(oddRed + 2 * (redTop[x] + redBottom[x]) + nextRed + offset >> CHROMA_SHIFT);
            oddBlue = nextBlue;
            oddRed = nextRed;
            if (interleaved) {
                UNSAFE.putShort(cb + x, (short) (u | v << 8));
            } else {
                UNSAFE.putByte(cb + (x >> 1), (byte) u);
                UNSAFE.putByte(cr + (x >> 1), (byte) v);
            }
        }
    }

    /** Full range can round past the ends (Cb of pure blue is 255.5). */
    private static int clip(int code) {
        return Math.max(0, Math.min(255, code));
    }
}
