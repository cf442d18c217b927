package io.scanout.convert.internal;

import io.scanout.convert.Colorimetry;
import io.scanout.core.DrmFormat;

/**
 * The formulas of a {@link Colorimetry} in 16-bit fixed point, for 32-bit RGB words — 8-bit
 * components (XR24, AR24, XB24, AB24; the fourth byte ignored) or 10-bit ones (XR30, AR30; the top
 * two bits ignored) — to 8-bit codes (NV12, YU12) or 10-bit ones (P010). The coefficients are
 * indexed by the component of the little-endian word they weigh: {@code 0} the lowest
 * {@link #bits} bits, {@code 1} the next, {@code 2} the next. Shared by the plain-Java and Vector
 * API kernels so that both compute exactly the same codes.
 *
 * <p>Luma: {@code (y0·c0 + y1·c1 + y2·c2 + yOffset) >> SHIFT}. Chroma of a 2×2 block with the
 * {@code [1 2 1]} column filter: {@code (Σ weight·(cb0·c0 + cb1·c1 + cb2·c2) + chromaOffset) >>
 * CHROMA_SHIFT}, the weights summing to eight. Rounded once, to nearest, from the input's full
 * precision: within half a code of the exact formula plus at most 1023 · 2⁻¹⁷ · 3 (under 0.03 of a
 * code) for the rounded coefficients, so never more than one code off. The largest sum, 10-bit
 * chroma of a 10-bit input, stays under 2³⁰: no int overflows.
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
    /** The chroma offset (128, or 512 for 10-bit codes) plus rounding, at {@link #CHROMA_SHIFT}. */
    final int chromaOffset;
    /** Bits per input component: 8 or 10. */
    final int bits;
    /** The input component's mask: {@code (1 << bits) − 1}. */
    final int mask;
    /** The output's top code: 255, or 1023 for P010. */
    final int maxCode;

    /**
     * @param tenBitCodes P010's 10-bit codes rather than 8-bit ones
     * @throws IllegalArgumentException unless {@link #supports(DrmFormat)} says yes for {@code input}
     */
    FixedPointCoefficients(DrmFormat input, Colorimetry colorimetry, boolean tenBitCodes) {
        if (!supports(input)) {
            throw new IllegalArgumentException("the direct path reads XR24, AR24, XB24, AB24, XR30 and AR30, not "
                    + input);
        }
        double kr = colorimetry.matrix().kr();
        double kb = colorimetry.matrix().kb();
        boolean limited = colorimetry.range() == Colorimetry.Range.LIMITED;
        this.bits = input.bitsPerComponent();
        this.mask = (1 << bits) - 1;
        // 10-bit codes are the 8-bit ones times four (limited range), or span 0..1023 (full).
        int scale = tenBitCodes ? 4 : 1;
        this.maxCode = tenBitCodes ? 1023 : 255;
        // RGB codes are 0..mask: the luma and chroma scales take them to 219 or 224 (limited) or 255
        // (full) 8-bit codes of Y'CbCr, or four times as many 10-bit ones (1023 in full range).
        double yScale = (limited ? 219.0 * scale : maxCode) / mask * (1 << SHIFT);
        double cScale = (limited ? 224.0 * scale : maxCode) / mask * (1 << SHIFT);
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
        // XR24/AR24 words are 0xXXRRGGBB (blue in the low byte); XB24/AB24 words 0xXXBBGGRR;
        // XR30/AR30 words x:R:G:B 2:10:10:10 (blue in the low ten bits).
        boolean blueLow = input != DrmFormat.XB24 && input != DrmFormat.AB24;
        this.y0 = blueLow ? yb : yr;
        this.y1 = yg;
        this.y2 = blueLow ? yr : yb;
        this.cb0 = blueLow ? cbb : cbr;
        this.cb1 = cbg;
        this.cb2 = blueLow ? cbr : cbb;
        this.cr0 = blueLow ? crb : crr;
        this.cr1 = crg;
        this.cr2 = blueLow ? crr : crb;
        this.yOffset = ((limited ? 16 * scale : 0) << SHIFT) + (1 << (SHIFT - 1));
        this.chromaOffset = (128 * scale << CHROMA_SHIFT) + (1 << (CHROMA_SHIFT - 1));
    }

    /** Whether the direct path reads {@code input}: 32-bit RGB words of 8- or 10-bit components. */
    static boolean supports(DrmFormat input) {
        return input == DrmFormat.XR24 || input == DrmFormat.AR24 || input == DrmFormat.XB24
                || input == DrmFormat.AB24 || input == DrmFormat.XR30 || input == DrmFormat.AR30;
    }

    /** Whether the direct path writes {@code target} from {@code input}: NV12, YU12 and P010. */
    static boolean supports(DrmFormat input, DrmFormat target) {
        return supports(input) && (target == DrmFormat.NV12 || target == DrmFormat.YU12 || target == DrmFormat.P010);
    }

    /** Full range can round past the ends (Cb of pure blue is 255.5, or 1023.5 in 10 bits). */
    static int clip(int code, int maxCode) {
        return Math.max(0, Math.min(maxCode, code));
    }
}
