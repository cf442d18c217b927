package io.scanout.convert.internal;

import io.scanout.convert.Colorimetry;
import io.scanout.core.DrmFormat;

/**
 * The formulas of a {@link Colorimetry} in 16-bit fixed point, for 32-bit RGB words (XR24, AR24,
 * XB24, AB24; the fourth byte ignored), indexed by the byte of the little-endian word they weigh:
 * {@code 0} bits 0–7, {@code 1} bits 8–15, {@code 2} bits 16–23. Shared by the plain-Java and
 * Vector API kernels so that both compute exactly the same codes.
 *
 * <p>Luma: {@code (y0·c0 + y1·c1 + y2·c2 + yOffset) >> SHIFT}. Chroma of a 2×2 block with the
 * {@code [1 2 1]} column filter: {@code (Σ weight·(cb0·c0 + cb1·c1 + cb2·c2) + chromaOffset) >>
 * CHROMA_SHIFT}, the weights summing to eight. Rounded to nearest: within half a code of the exact
 * formula plus 2⁻⁸ for the rounded coefficients, so never more than one code off.
 */
final class FixedPointCoefficients {
    static final int SHIFT = 16;
    /** A chroma sample weighs eight: columns 1 + 2 + 1, times two rows. */
    static final int CHROMA_SHIFT = SHIFT + 3;

    final int y0;
    final int y1;
    final int y2;
    /** The luma offset plus rounding. */
    final int yOffset;
    final int cb0;
    final int cb1;
    final int cb2;
    final int cr0;
    final int cr1;
    final int cr2;
    /** The chroma offset (128) plus rounding, at {@link #CHROMA_SHIFT}. */
    final int chromaOffset;

    /**
     * @throws IllegalArgumentException unless {@code input} is XR24, AR24, XB24 or AB24
     */
    FixedPointCoefficients(DrmFormat input, Colorimetry colorimetry) {
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

    /** Full range can round past the ends (Cb of pure blue is 255.5). */
    static int clip(int code) {
        return Math.max(0, Math.min(255, code));
    }
}
