package io.scanout.encode;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.internal.AnnexB;
import io.scanout.encode.internal.CodecConfigs;
import io.scanout.encode.internal.EncoderCandidate;
import io.scanout.encode.internal.FfmpegEncoder;
import io.scanout.encode.internal.PacketSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoder of one subscription to {@link EncodeVideo}: opens FFmpeg on the first frame (the best
 * encoder of the {@link EncoderLineup} that opens), re-opens it when the frame size, format or kind
 * (CPU or dma-buf) changes or when a new bitrate or frame rate cannot be applied in place, stamps
 * packets with their frame's sequence and capture time, and builds the {@link CodecConfig} from each
 * encoder's keyframes.
 *
 * <p>Confined to one thread, the stage's encoder thread: it checks that every call comes from the
 * thread of the first one. Settings changes made on other threads are read before each frame. Blocks
 * for the encoding.
 */
final class EncodeSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeSession.class);

    private final EncoderLineup lineup;
    private final Supplier<EncoderSettings> settings;
    private final StreamMeters meters;
    private final AtomicLong keyframeRequests;
    private final Consumer<CodecConfig> configListener;
    private final Consumer<String> encoderListener;
    private final PendingFrames pending = new PendingFrames();
    private long keyframeRequestsSeen;
    private FfmpegEncoder ffmpeg;
    private EncoderSettings applied;
    private CodecConfig config;
    private CodecConfig lastConfig;
    private boolean started;
    private long originNanos;
    private long lastPts = -1;
    private Thread owner;
    private boolean closed;

    /**
     * @param settings         the settings wanted now (bitrate and frame rate may change between frames)
     * @param keyframeRequests counts keyframe requests; a frame is forced to a keyframe when it moved
     * @param configListener   told each new configuration, on the encoder thread
     * @param encoderListener  told the FFmpeg name of each encoder opened, on the encoder thread
     */
    EncodeSession(EncoderLineup lineup, Supplier<EncoderSettings> settings, StreamMeters meters,
                  AtomicLong keyframeRequests, Consumer<CodecConfig> configListener, Consumer<String> encoderListener) {
        this.lineup = lineup;
        this.settings = settings;
        this.meters = meters;
        this.keyframeRequests = keyframeRequests;
        this.configListener = configListener;
        this.encoderListener = encoderListener;
        // Requests made before this stream started are served anyway: its first frame is a keyframe.
        this.keyframeRequestsSeen = keyframeRequests.get();
    }

    /**
     * Encodes one frame and returns the packets that came out (usually one). Takes ownership of the
     * event: its frame is released before this returns, whatever happens.
     *
     * @throws EncodeException when the frame is not what the stage takes or FFmpeg fails
     */
    List<EncodedPacket> encode(FrameEvent event) {
        try {
            checkThread();
            if (closed) {
                throw new IllegalStateException("the encoder of this stream is closed");
            }
            Frame frame = event.frame();
            VideoFormat format = frame.videoFormat();
            checkStageAccepts(format, frame.isDmaBuf());
            List<EncodedPacket> packets = new ArrayList<>(2);
            PacketSink sink = (data, pts, keyframe) -> packets.add(packet(data, pts, keyframe));
            EncoderSettings wanted = settings.get();
            if (ffmpeg == null || !ffmpeg.format().equals(format) || ffmpeg.takesDmaBufs() != frame.isDmaBuf()) {
                reopen(format, frame.isDmaBuf(), wanted, sink, "the frame format went to " + format
                        + (frame.isDmaBuf() ? " dma-bufs" : ""));
            } else if (!wanted.equals(applied)) {
                apply(wanted, sink);
            }
            long pts = nextPts(event.captureNanos());
            long requests = keyframeRequests.get();
            boolean forceKeyframe = requests != keyframeRequestsSeen;
            keyframeRequestsSeen = requests;
            pending.add(new PendingFrames.Pending(pts, event.sequence(), event.captureNanos(), System.nanoTime()));
            ffmpeg.send(frame, event.damage(), pts, forceKeyframe);
            meters.frameEncoded();
            // FFmpeg holds its own reference for as long as it reads the pixels: ours can go now.
            event.release();
            ffmpeg.receive(sink);
            return packets;
        } finally {
            event.release();
        }
    }

    /**
     * The stage takes CPU frames of its input format (and P010 when its encoder encodes 10 bits), and
     * dma-bufs its planned encoder imports; a fallback encoder that takes the other 4:2:0 layout gets
     * them converted.
     */
    private void checkStageAccepts(VideoFormat format, boolean dmaBuf) {
        EncoderCandidate planned = lineup.planned();
        if (dmaBuf || !lineup.stageTakes(format.format())) {
            planned.checkAccepts(format, dmaBuf);
            if (!dmaBuf) {
                throw new EncodeException(planned.ffmpegName() + " takes " + planned.inputFormat() + " frames"
                        + (format.format() == DrmFormat.P010 ? " (P010 only when it encodes 10 bits and --bit-depth"
                        + " is not 8)" : "") + ", got " + format + " (the convert stage makes "
                        + planned.inputFormat() + " for it)");
            }
        }
        if (format.width() % 2 != 0 || format.height() % 2 != 0) {
            throw new EncodeException(planned.ffmpegName() + " needs an even width and height for 4:2:0, got "
                    + format + " (the convert stage pads frames to even sizes)");
        }
    }

    /** Flushes the encoder (end of stream), returns its last packets and closes it. */
    List<EncodedPacket> finish() {
        checkThread();
        List<EncodedPacket> packets = new ArrayList<>();
        try {
            if (ffmpeg != null && !closed) {
                ffmpeg.flush((data, pts, keyframe) -> packets.add(packet(data, pts, keyframe)));
            }
        } finally {
            close();
        }
        return packets;
    }

    /** Frees the encoder without flushing (error, cancel); idempotent. On the encoder thread. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pending.clear();
            if (ffmpeg != null) {
                ffmpeg.close();
                ffmpeg = null;
            }
        }
    }

    /** A new bitrate or frame rate: in place where the encoder can (x264's bitrate), else by re-opening. */
    private void apply(EncoderSettings wanted, PacketSink sink) {
        boolean onlyBitrate = applied.withBitrate(wanted.bitrate()).equals(wanted);
        if (onlyBitrate && ffmpeg.setBitrate(wanted.bitrate())) {
            LOG.info("{} now encodes at {} bit/s (was {})", ffmpeg.encoder().ffmpegName(), wanted.bitrate(),
                    applied.bitrate());
            applied = wanted;
            return;
        }
        reopen(ffmpeg.format(), ffmpeg.takesDmaBufs(), wanted, sink, "the settings went from " + applied + " to "
                + wanted);
    }

    private void reopen(VideoFormat format, boolean dmaBuf, EncoderSettings wanted, PacketSink sink, String why) {
        if (ffmpeg != null) {
            String name = ffmpeg.encoder().ffmpegName();
            try {
                // The old encoder's last packets still belong to the old configuration.
                ffmpeg.flush(sink);
            } finally {
                ffmpeg.close();
                ffmpeg = null;
                pending.clear();
                config = null;
            }
            LOG.info("{} re-opened: {}", name, why);
        }
        ffmpeg = lineup.open(format, dmaBuf, wanted);
        applied = wanted;
        encoderListener.accept(ffmpeg.encoder().ffmpegName());
    }

    private long nextPts(long captureNanos) {
        if (!started) {
            started = true;
            originNanos = captureNanos;
        }
        // Encoders want strictly increasing timestamps; two captures within a microsecond get adjacent ones.
        long pts = Math.max(Math.floorDiv(captureNanos - originNanos, 1000L), lastPts + 1);
        lastPts = pts;
        return pts;
    }

    private EncodedPacket packet(byte[] data, long pts, boolean keyframe) {
        EncoderCandidate encoder = ffmpeg.encoder();
        String name = encoder.ffmpegName();
        PendingFrames.Pending source = pending.take(pts);
        if (source == null) {
            throw new EncodeException(name + " returned a packet with pts " + pts + " µs that matches no frame sent to it");
        }
        if (keyframe) {
            VideoFormat format = ffmpeg.format();
            Optional<CodecConfig> found = CodecConfigs.fromKeyframe(encoder.codec(), data, name, format.width(),
                    format.height(), applied.frameRate(), applied.bitrate());
            if (found.isPresent() && !found.get().equals(config)) {
                if (found.get().equals(lastConfig)) {
                    // Re-opened with the same configuration (a new bitrate): packets keep sharing one object.
                    config = lastConfig;
                } else {
                    config = found.get();
                    lastConfig = config;
                    LOG.info("{} configuration: {}", name, config);
                    configListener.accept(config);
                }
            }
        }
        if (config == null) {
            // Every encoder here starts a stream with a keyframe carrying its configuration in band; anything else is a bug.
            throw new EncodeException(name + "'s first packet is not a keyframe with " + CodecConfigs.needs(encoder.codec())
                    + " (keyframe " + keyframe + ", " + data.length + " B" + (encoder.codec() == Codec.H264
                    ? ", NAL unit types " + AnnexB.types(data) : "") + ")");
        }
        meters.stageTook(Stage.ENCODE, System.nanoTime() - source.sentNanos());
        meters.packetEncoded(config.codec().id(), name, data.length, keyframe);
        return new EncodedPacket(config, data, pts, keyframe, source.sequence(), source.captureNanos());
    }

    private void checkThread() {
        Thread current = Thread.currentThread();
        if (owner == null) {
            owner = current;
        } else if (owner != current) {
            throw new IllegalStateException("the encoder of this stream belongs to thread " + owner.getName()
                    + ", not " + current.getName() + ": FFmpeg contexts are not thread-safe");
        }
    }
}
