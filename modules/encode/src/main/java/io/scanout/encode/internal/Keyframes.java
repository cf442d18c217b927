package io.scanout.encode.internal;

import io.scanout.core.Codec;

/**
 * Whether a packet FFmpeg flagged {@code AV_PKT_FLAG_KEY} is one a decoder can start at. For VP8, VP9
 * and AV1 the flag says so. For H.264 and HEVC it also marks recovery points — libx264 with intra
 * refresh flags the frame where a refresh sweep ends — which a decoder can only start at by decoding
 * a sweep of damaged pictures first: a viewer must start at an IDR (or HEVC IRAP) picture, so only
 * those count. Stateless, thread-safe.
 */
final class Keyframes {
    /** HEVC IRAP pictures: BLA (16..18), IDR (19, 20), CRA (21). */
    private static final int HEVC_FIRST_IRAP = 16;
    private static final int HEVC_LAST_IRAP = 21;

    private Keyframes() {
    }

    static boolean decoderCanStart(Codec codec, byte[] packet) {
        return switch (codec) {
            case H264 -> AnnexB.units(packet, true).stream().anyMatch(u -> u.type() == AnnexB.IDR);
            case HEVC -> AnnexB.hevcUnits(packet, true).stream()
                    .anyMatch(u -> u.type() >= HEVC_FIRST_IRAP && u.type() <= HEVC_LAST_IRAP);
            case VP8, VP9, AV1 -> true;
        };
    }
}
