package io.scanout.encode;

import io.scanout.core.Codec;
import java.util.Locale;

/**
 * How many bits per sample the encoded stream carries ({@code --bit-depth}). The convert stage makes
 * P010 for the frames to be encoded at 10 bits and NV12 or I420 for the rest; the encoder re-opens
 * with a 10-bit pixel format when the frames turn to P010, so a source that changes depth is followed
 * frame by frame.
 */
public enum BitDepth {
    /**
     * 10 bits for sources of more than 8 bits per component (XR30, AR30, P010) when the codec is HEVC
     * (Main 10), VP9 (profile 2) or AV1 and the encoder takes 10 bits in this build; 8 bits otherwise.
     * H.264 stays at 8 bits: browsers, WebCodecs and noVNC do not decode High 10.
     */
    AUTO("auto"),
    /** 8 bits for every source: a 10-bit one is rounded by the convert stage. */
    EIGHT("8"),
    /**
     * 10 bits for every source, 8-bit ones too, for a stream whose profile never changes; refused at
     * start-up when the encoder cannot take 10 bits.
     */
    TEN("10");

    private final String id;

    BitDepth(String id) {
        this.id = id;
    }

    /** The option and config value: {@code auto}, {@code 8}, {@code 10}. */
    public String id() {
        return id;
    }

    /**
     * Whether frames of a source of {@code sourceBits} per component are encoded at 10 bits under
     * this setting, with {@code codec} on an encoder that does ({@code encoderTakesTenBits}) or does
     * not take 10 bits.
     */
    public boolean tenBits(int sourceBits, Codec codec, boolean encoderTakesTenBits) {
        return switch (this) {
            case EIGHT -> false;
            case TEN -> encoderTakesTenBits;
            case AUTO -> encoderTakesTenBits && sourceBits > 8 && codec != Codec.H264 && codec != Codec.VP8;
        };
    }

    /**
     * Parses {@link #id()}, case-insensitive.
     *
     * @throws IllegalArgumentException listing the accepted values
     */
    public static BitDepth parse(String text) {
        if (text != null) {
            String s = text.trim().toLowerCase(Locale.ROOT);
            for (BitDepth depth : values()) {
                if (depth.id.equals(s)) {
                    return depth;
                }
            }
        }
        throw new IllegalArgumentException("a bit depth is auto, 8 or 10, not '" + text + "'");
    }

    @Override
    public String toString() {
        return id;
    }
}
