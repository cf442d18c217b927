package io.scanout.transport.ws;

import io.scanout.core.Codec;
import java.util.Locale;

/**
 * The bit depth a codec string names, for a CONFIG read off the wire: the message carries the
 * codec string, not the depth (the server's {@link io.scanout.core.CodecConfig} has it from the
 * bitstream). H.264's High 10 profile ({@code avc1.6E…}), HEVC's Main 10 ({@code hev1.2.…}), and
 * the depth field of VP9's ({@code vp09.PP.LL.DD}) and AV1's ({@code av01.P.LLT.DD}); 8 otherwise.
 * Stateless.
 */
final class CodecStringDepth {
    private CodecStringDepth() {
    }

    static int bitDepth(Codec codec, String codecString) {
        String[] parts = codecString.split("\\.");
        return switch (codec) {
            case H264 -> parts.length > 1 && parts[1].toUpperCase(Locale.ROOT).startsWith("6E") ? 10 : 8;
            case HEVC -> parts.length > 1 && parts[1].matches("[A-C]?2") ? 10 : 8;
            case VP9, AV1 -> parts.length > 3 && parts[3].matches("\\d{2}") ? Integer.parseInt(parts[3]) : 8;
            case VP8 -> 8;
        };
    }
}
