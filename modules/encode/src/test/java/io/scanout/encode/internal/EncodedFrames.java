package io.scanout.encode.internal;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.ColourBlocks;
import io.scanout.encode.testing.YuvFrames;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link FfmpegEncoder} over a few {@link ColourBlocks} frames and keeps what came out. */
final class EncodedFrames {
    /** One packet as the encoder returned it. */
    record Packet(byte[] data, long pts, boolean keyframe) {
    }

    private EncodedFrames() {
    }

    /** Encodes frames 0..count-1 at 30 fps, forcing a keyframe at the indexes in {@code forced}, then flushes. */
    static List<Packet> encode(EncoderCandidate encoder, FramePool pool, int width, int height, int count,
                               int... forced) {
        List<Packet> packets = new ArrayList<>();
        PacketSink sink = (data, pts, keyframe) -> packets.add(new Packet(data, pts, keyframe));
        DrmFormat format = encoder.inputFormat();
        try (FfmpegEncoder ffmpeg = new FfmpegEncoder(encoder, new VideoFormat(format, width, height),
                EncoderSettings.defaults())) {
            for (int i = 0; i < count; i++) {
                Frame frame = YuvFrames.draw(pool, format, new ColourBlocks(width, height, i));
                try {
                    ffmpeg.send(frame, i * 33_333L, contains(forced, i));
                } finally {
                    frame.release();
                }
                ffmpeg.receive(sink);
            }
            ffmpeg.flush(sink);
        }
        return packets;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
