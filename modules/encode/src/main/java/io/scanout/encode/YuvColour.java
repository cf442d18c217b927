package io.scanout.encode;

import java.util.Locale;

/**
 * How the encoded stream's YUV samples encode colour — the matrix and the code range — as the
 * convert stage wrote them and as the encoder signals them to decoders (H.264/HEVC VUI, VP9 and AV1
 * colour config). The convert stage's {@code Colorimetry} has the same four choices and the
 * formulas; the encode stage cannot see it (encode does not depend on convert), so the server maps
 * one to the other by {@link #id()}.
 *
 * <p>Only the matrix and range vary. Primaries and transfer stay BT.709 for all four: the pixels
 * come from an sRGB framebuffer, whose primaries are BT.709's whichever matrix the YUV is in, so
 * tagging BT.601 primaries would make a colour-managed player shift the gamut.
 */
public enum YuvColour {
    /** BT.709 matrix, limited ("TV") range: the default, and what HD players assume. */
    BT709_LIMITED,
    /** BT.709 matrix, full ("PC") range. */
    BT709_FULL,
    /** BT.601 (SMPTE 170M) matrix, limited range. */
    BT601_LIMITED,
    /** BT.601 (SMPTE 170M) matrix, full range. */
    BT601_FULL;

    /** The option and config value: {@code bt709-limited}, {@code bt709-full}, {@code bt601-limited}, {@code bt601-full}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether samples use the BT.601 matrix (else BT.709). */
    public boolean bt601() {
        return this == BT601_LIMITED || this == BT601_FULL;
    }

    /** Whether codes take the full range (8-bit 0..255) rather than the limited 16..235/240. */
    public boolean fullRange() {
        return this == BT709_FULL || this == BT601_FULL;
    }

    /**
     * Parses {@link #id()}, case-insensitive.
     *
     * @throws IllegalArgumentException listing the accepted values
     */
    public static YuvColour parse(String text) {
        if (text != null) {
            String s = text.trim().toLowerCase(Locale.ROOT);
            for (YuvColour colour : values()) {
                if (colour.id().equals(s)) {
                    return colour;
                }
            }
        }
        throw new IllegalArgumentException("a colour is bt709-limited, bt709-full, bt601-limited or bt601-full,"
                + " not '" + text + "'");
    }

    @Override
    public String toString() {
        return id();
    }
}
