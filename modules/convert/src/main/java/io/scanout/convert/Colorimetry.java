package io.scanout.convert;

import java.util.Locale;

/**
 * How YUV samples encode colour: the matrix from R'G'B' to Y'CbCr and the range of the codes.
 * The convert stage writes its output in one of these and reads YUV inputs as another
 * ({@link ConvertSettings#yuvInput()}); RGB from a framebuffer is always full range.
 *
 * <p>The formulas, with R', G', B' in 0..1 and {@code Kr, Kb} of the matrix (BT.709: 0.2126,
 * 0.0722; BT.601: 0.299, 0.114), for {@code n}-bit samples ({@code m = 2^(n-8)}):
 * <pre>
 *   Y' = Kr·R' + (1 − Kr − Kb)·G' + Kb·B'
 *   Cb = (B' − Y') / (2(1 − Kb))      Cr = (R' − Y') / (2(1 − Kr))
 *   limited: Y = m·(16 + 219·Y')   C = m·(128 + 224·C)
 *   full:    Y = (2^n − 1)·Y'      C = m·128 + (2^n − 1)·C   (clipped to 2^n − 1)
 * </pre>
 * Immutable.
 *
 * @param matrix the R'G'B' → Y'CbCr matrix
 * @param range  the code range
 */
public record Colorimetry(Matrix matrix, Range range) {
    /** What Scanout makes unless told otherwise, and what HD video players assume. */
    public static final Colorimetry BT709_LIMITED = new Colorimetry(Matrix.BT709, Range.LIMITED);

    /** The R'G'B' → Y'CbCr matrix. */
    public enum Matrix {
        /** ITU-R BT.709 (HD): Kr 0.2126, Kb 0.0722. */
        BT709(0.2126, 0.0722),
        /** ITU-R BT.601 (SD; SMPTE 170M): Kr 0.299, Kb 0.114. */
        BT601(0.299, 0.114);

        private final double kr;
        private final double kb;

        Matrix(double kr, double kb) {
            this.kr = kr;
            this.kb = kb;
        }

        public double kr() {
            return kr;
        }

        public double kb() {
            return kb;
        }
    }

    /** The range YUV codes take. */
    public enum Range {
        /** "TV" or "MPEG" range: 8-bit Y 16..235, Cb/Cr 16..240. */
        LIMITED,
        /** "PC" or "JPEG" range: 8-bit 0..255. */
        FULL
    }

    public Colorimetry {
        if (matrix == null || range == null) {
            throw new IllegalArgumentException("a colorimetry needs a matrix and a range, got " + matrix + ", "
                    + range);
        }
    }

    /**
     * Parses {@code MATRIX-RANGE}, case-insensitive: {@code bt709-limited}, {@code bt709-full},
     * {@code bt601-limited}, {@code bt601-full}.
     */
    public static Colorimetry parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        int dash = s.indexOf('-');
        if (dash > 0) {
            try {
                return new Colorimetry(Matrix.valueOf(s.substring(0, dash)), Range.valueOf(s.substring(dash + 1)));
            } catch (IllegalArgumentException e) {
                // Fall through to the message below, which lists what is accepted.
            }
        }
        throw new IllegalArgumentException("a colorimetry is bt709-limited, bt709-full, bt601-limited or "
                + "bt601-full, not '" + text + "'");
    }

    @Override
    public String toString() {
        return matrix.name().replace("BT", "BT.") + " " + range.name().toLowerCase(Locale.ROOT) + " range";
    }
}
