package io.scanout.encode;

import io.scanout.core.Codec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which encoder to use, as on the command line ({@code --encoder}); together with the codec
 * ({@code --codec}) it picks the FFmpeg encoders a stream may use, best first.
 *
 * <ul>
 *   <li>{@link #AUTO}: every encoder of the codec, hardware first (VAAPI, NVENC, QSV, Vulkan), then
 *       software; the best one that opens on this host at the stream's size is taken.</li>
 *   <li>{@link #VAAPI}, {@link #NVENC}, {@link #QSV}, {@link #VULKAN}: that hardware for the codec,
 *       with the codec's software encoders as fallback (logged once and counted), so a stream still
 *       runs on a host whose GPU is gone.</li>
 *   <li>{@link #X264}, {@link #OPENH264}, {@link #X265}, {@link #VP8}, {@link #VP9}, {@link #AV1}: that
 *       one software encoder (libx264, libopenh264, libx265, libvpx, libvpx-vp9, libsvtav1), never
 *       swapped for another: it is an error when it is not in the FFmpeg build or does not open.</li>
 * </ul>
 *
 * An encoder makes certain codecs only ({@link #codecs()}): x264 with {@code --codec vp9} is an error
 * when the settings are made.
 */
public enum EncoderChoice {
    AUTO(EnumSet.allOf(Codec.class), false),
    X264(EnumSet.of(Codec.H264), false),
    OPENH264(EnumSet.of(Codec.H264), false),
    VAAPI(EnumSet.of(Codec.H264, Codec.HEVC, Codec.VP8, Codec.VP9, Codec.AV1), true),
    NVENC(EnumSet.of(Codec.H264, Codec.HEVC, Codec.AV1), true),
    QSV(EnumSet.of(Codec.H264, Codec.HEVC, Codec.VP9), true),
    VULKAN(EnumSet.of(Codec.H264, Codec.HEVC), true),
    VP8(EnumSet.of(Codec.VP8), false),
    VP9(EnumSet.of(Codec.VP9), false),
    AV1(EnumSet.of(Codec.AV1), false),
    X265(EnumSet.of(Codec.HEVC), false);

    private final Set<Codec> codecs;
    private final boolean hardware;

    EncoderChoice(Set<Codec> codecs, boolean hardware) {
        this.codecs = codecs;
        this.hardware = hardware;
    }

    /** Parses a choice by its {@link #id()}, ignoring case and surrounding blanks, as on the command line. */
    public static EncoderChoice parse(String name) {
        if (name != null) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            for (EncoderChoice c : values()) {
                if (c.id().equals(wanted)) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("unknown encoder '" + name + "' (known: " + known() + ")");
    }

    private static String known() {
        StringBuilder s = new StringBuilder();
        for (EncoderChoice c : values()) {
            s.append(s.length() == 0 ? "" : ", ").append(c.id());
        }
        return s.toString();
    }

    /** The codecs this choice can make. */
    public Set<Codec> codecs() {
        return EnumSet.copyOf(codecs);
    }

    /** Whether this choice can make {@code codec}. */
    public boolean makes(Codec codec) {
        return codecs.contains(codec);
    }

    /** Whether this choice names hardware (VAAPI, NVENC, QSV, Vulkan), which falls back to software. */
    public boolean isHardware() {
        return hardware;
    }

    /**
     * The codec to take when none was asked for: the only one a single-codec choice makes
     * ({@code vp9} → vp9), H.264 for the others.
     */
    public Codec defaultCodec() {
        return codecs.size() == 1 ? codecs.iterator().next() : Codec.H264;
    }

    /**
     * Checks that this choice can make {@code codec}.
     *
     * @throws IllegalArgumentException naming both and the choices that could
     */
    public void checkMakes(Codec codec) {
        if (!makes(codec)) {
            String could = Arrays.stream(values()).filter(c -> c.makes(codec)).map(EncoderChoice::id)
                    .collect(Collectors.joining(", "));
            throw new IllegalArgumentException("encoder " + id() + " makes " + codecs.stream().map(Codec::id)
                    .sorted().collect(Collectors.joining(", ")) + ", not " + codec + " (for " + codec
                    + " use --encoder " + could + ")");
        }
    }

    /** Lowercase name, as on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
