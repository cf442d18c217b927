package io.scanout.core;

/**
 * Video codecs Scanout encodes to, with the small id the viewer protocol carries
 * ({@code docs/protocol.md}).
 */
public enum Codec {
    H264(1, "h264"),
    HEVC(2, "hevc"),
    VP8(3, "vp8"),
    VP9(4, "vp9"),
    AV1(5, "av1");

    private final int wireId;
    private final String id;

    Codec(int wireId, String id) {
        this.wireId = wireId;
        this.id = id;
    }

    public int wireId() {
        return wireId;
    }

    /** Lowercase name, as on the command line and in {@code /streams}. */
    public String id() {
        return id;
    }

    public static Codec parse(String name) {
        for (Codec c : values()) {
            if (c.id.equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown codec '" + name + "' (known: h264, hevc, vp8, vp9, av1)");
    }

    @Override
    public String toString() {
        return id;
    }
}
