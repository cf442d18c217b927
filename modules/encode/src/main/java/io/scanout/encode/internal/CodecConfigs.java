package io.scanout.encode.internal;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import java.util.Optional;

/**
 * The {@link CodecConfig} a keyframe carries, per codec: H.264 and HEVC their parameter sets (Annex B),
 * AV1 its sequence header OBU, VP8 and VP9 nothing but the codec string (their keyframes are
 * self-contained). Stateless, thread-safe.
 */
public final class CodecConfigs {
    private CodecConfigs() {
    }

    /**
     * The configuration of a stream, read from one of its keyframes, its bit depth from the
     * bitstream's own header (SPS, VP9 keyframe header, AV1 sequence header).
     *
     * @param frameRate nominal frames per second, for a VP9 level
     * @param bitrate   bits per second, for a VP9 level
     * @return empty when the keyframe lacks what the codec needs (parameter sets, sequence header)
     * @throws IllegalArgumentException when the header declares a depth other than 8 or 10 bits
     */
    public static Optional<CodecConfig> fromKeyframe(Codec codec, byte[] packet, String encoder, int width,
                                                     int height, int frameRate, long bitrate) {
        return switch (codec) {
            case H264 -> H264ParameterSets.fromKeyframe(packet, encoder, width, height);
            case HEVC -> HevcParameterSets.fromKeyframe(packet, encoder, width, height);
            case VP8 -> Optional.of(new CodecConfig(Codec.VP8, encoder, width, height, 8, "vp8", new byte[0]));
            case VP9 -> Vp9Config.fromKeyframe(packet).map(vp9 -> new CodecConfig(Codec.VP9, encoder, width, height,
                    vp9.bitDepth(), vp9.codecString(Vp9Config.level(width, height, frameRate, bitrate)), new byte[0]));
            case AV1 -> Av1SequenceHeader.find(packet).map(header -> new CodecConfig(Codec.AV1, encoder, width,
                    height, header.bitDepth(), header.codecString(), header.obu()));
        };
    }

    /** What a keyframe of {@code codec} must carry for {@link #fromKeyframe} to find a configuration, for messages. */
    public static String needs(Codec codec) {
        return switch (codec) {
            case H264 -> "SPS and PPS";
            case HEVC -> "VPS, SPS and PPS";
            case VP8 -> "nothing";
            case VP9 -> "a VP9 keyframe header";
            case AV1 -> "a sequence header OBU";
        };
    }
}
