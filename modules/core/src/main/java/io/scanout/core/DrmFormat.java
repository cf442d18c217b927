package io.scanout.core;

import java.util.Locale;
import java.util.Optional;

/**
 * Pixel formats by their DRM fourcc, as the kernel's {@code include/uapi/drm/drm_fourcc.h}
 * defines them. The same code travels in a VFIO plane, a dma-buf and our own frames, so a
 * format is never guessed from a bit depth or a channel count.
 *
 * <p>Byte order is the kernel's: {@code XR24} (XRGB8888) is a little-endian 32-bit word
 * {@code x:R:G:B}, so memory holds B, G, R, X.
 */
public enum DrmFormat {
    /** XRGB8888: B, G, R, X in memory. */
    XR24("XR24", Kind.RGB, 8, false, new int[] {4}, 1, 1),
    /** ARGB8888: B, G, R, A in memory. */
    AR24("AR24", Kind.RGB, 8, true, new int[] {4}, 1, 1),
    /** XBGR8888: R, G, B, X in memory. */
    XB24("XB24", Kind.RGB, 8, false, new int[] {4}, 1, 1),
    /** ABGR8888: R, G, B, A in memory. */
    AB24("AB24", Kind.RGB, 8, true, new int[] {4}, 1, 1),
    /** RGB888: B, G, R in memory. */
    RG24("RG24", Kind.RGB, 8, false, new int[] {3}, 1, 1),
    /** BGR888: R, G, B in memory. */
    BG24("BG24", Kind.RGB, 8, false, new int[] {3}, 1, 1),
    /** RGB565: a little-endian 16-bit word R:G:B 5:6:5. */
    RG16("RG16", Kind.RGB, 6, false, new int[] {2}, 1, 1),
    /** XRGB2101010: a little-endian 32-bit word x:R:G:B 2:10:10:10. */
    XR30("XR30", Kind.RGB, 10, false, new int[] {4}, 1, 1),
    /** ARGB2101010: a little-endian 32-bit word A:R:G:B 2:10:10:10. */
    AR30("AR30", Kind.RGB, 10, true, new int[] {4}, 1, 1),
    /** 4:2:0, a Y plane then an interleaved Cb/Cr plane. */
    NV12("NV12", Kind.YUV, 8, false, new int[] {1, 2}, 2, 2),
    /** 4:2:0, three planes Y, Cb, Cr (I420). */
    YU12("YU12", Kind.YUV, 8, false, new int[] {1, 1, 1}, 2, 2),
    /** 4:2:2 packed: Y0, Cb, Y1, Cr. */
    YUYV("YUYV", Kind.YUV, 8, false, new int[] {2}, 2, 1),
    /** 4:2:0, 16-bit samples holding 10 significant bits (high bits), Y plane then Cb/Cr. */
    P010("P010", Kind.YUV, 10, false, new int[] {2, 4}, 2, 2);

    /** Whether a format carries RGB or YUV samples. */
    public enum Kind { RGB, YUV }

    private final String code;
    private final int fourcc;
    private final Kind kind;
    private final int bitsPerComponent;
    private final boolean alpha;
    private final int[] bytesPerPixel;
    private final int horizontalSubsampling;
    private final int verticalSubsampling;

    DrmFormat(String code, Kind kind, int bitsPerComponent, boolean alpha, int[] bytesPerPixel,
              int horizontalSubsampling, int verticalSubsampling) {
        this.code = code;
        this.fourcc = fourcc(code);
        this.kind = kind;
        this.bitsPerComponent = bitsPerComponent;
        this.alpha = alpha;
        this.bytesPerPixel = bytesPerPixel;
        this.horizontalSubsampling = horizontalSubsampling;
        this.verticalSubsampling = verticalSubsampling;
    }

    /** The kernel's {@code fourcc_code(a, b, c, d)}: {@code a | b << 8 | c << 16 | d << 24}. */
    public static int fourcc(String code) {
        if (code.length() != 4) {
            throw new IllegalArgumentException("a fourcc has four characters, not '" + code + "'");
        }
        return code.charAt(0) | code.charAt(1) << 8 | code.charAt(2) << 16 | code.charAt(3) << 24;
    }

    /** The format with this four-character code, e.g. {@code "XR24"}; case-sensitive, as in the kernel. */
    public static DrmFormat parse(String code) {
        for (DrmFormat f : values()) {
            if (f.code.equals(code)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown DRM format '" + code + "' (known: " + knownCodes() + ")");
    }

    /** The format with this 32-bit fourcc value, if Scanout knows it. */
    public static Optional<DrmFormat> fromFourcc(int fourcc) {
        for (DrmFormat f : values()) {
            if (f.fourcc == fourcc) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Prints a fourcc value as its four characters, or as hex when they are not printable. */
    public static String describeFourcc(int fourcc) {
        StringBuilder s = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            char c = (char) (fourcc >>> (8 * i) & 0xff);
            if (c < 0x20 || c > 0x7e) {
                return String.format(Locale.ROOT, "0x%08x", fourcc);
            }
            s.append(c);
        }
        return s.toString();
    }

    private static String knownCodes() {
        StringBuilder s = new StringBuilder();
        for (DrmFormat f : values()) {
            s.append(s.length() == 0 ? "" : ", ").append(f.code);
        }
        return s.toString();
    }

    public String code() {
        return code;
    }

    public int fourcc() {
        return fourcc;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isRgb() {
        return kind == Kind.RGB;
    }

    public boolean hasAlpha() {
        return alpha;
    }

    /** Significant bits of the deepest component: 8 for XR24, 10 for XR30 and P010, 6 for RG16's green. */
    public int bitsPerComponent() {
        return bitsPerComponent;
    }

    public int planeCount() {
        return bytesPerPixel.length;
    }

    /** Bytes one sample position takes in a plane (NV12: 1 for Y, 2 for the Cb/Cr pair). */
    public int bytesPerPixel(int plane) {
        return bytesPerPixel[plane];
    }

    public int horizontalSubsampling() {
        return horizontalSubsampling;
    }

    public int verticalSubsampling() {
        return verticalSubsampling;
    }

    /** Sample columns of a plane for an image this wide (chroma planes are subsampled, rounding up). */
    public int planeWidth(int plane, int width) {
        return plane == 0 ? width : ceilDiv(width, horizontalSubsampling);
    }

    /** Rows of a plane for an image this tall. */
    public int planeHeight(int plane, int height) {
        return plane == 0 ? height : ceilDiv(height, verticalSubsampling);
    }

    /** The bytes one row of a plane needs, at the least, for an image this wide. */
    public long rowBytes(int plane, int width) {
        if (plane == 0 && planeCount() == 1 && horizontalSubsampling > 1) {
            // Packed 4:2:2 stores pixels in pairs; an odd width still takes a whole pair.
            return (long) ceilDiv(width, horizontalSubsampling) * horizontalSubsampling * bytesPerPixel[0];
        }
        return (long) planeWidth(plane, width) * bytesPerPixel[plane];
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return code;
    }
}
