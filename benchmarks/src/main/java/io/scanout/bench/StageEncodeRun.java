package io.scanout.bench;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.EncodeVideo;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Scanout's encode stage ({@link EncodeVideo}, libx264) on the {@link EncodeBenchmark} desktop frames,
 * measured two ways, each on a fresh encoder, after a warm-up pass:
 * <ul>
 *   <li><b>throughput</b>: frames pushed as fast as the stage takes them (it holds one waiting while
 *   one encodes, as behind a real source), frames out per second of wall time;</li>
 *   <li><b>latency</b>: one frame in flight at a time, from handing the frame event to the stage to
 *   its packet coming out (thread hop and encode), p50 and p99, after the first frame (which opens
 *   the encoder).</li>
 * </ul>
 * Blocks; not thread-safe.
 */
final class StageEncodeRun {
    /** What one measurement gave. */
    record Figures(double framesPerSecond, double latencyP50Millis, double latencyP99Millis) {
    }

    private final int width;
    private final int height;
    private final long bitrate;

    StageEncodeRun(int width, int height, long bitrate) {
        this.width = width;
        this.height = height;
        this.bitrate = bitrate;
    }

    Figures measure(int frameCount) throws InterruptedException {
        VideoFormat format = new VideoFormat(DrmFormat.NV12, width, height);
        try (FramePool pool = new FramePool(EncodeBenchmark.FRAMES)) {
            Frame[] frames = new Frame[EncodeBenchmark.FRAMES];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = EncodeBenchmark.desktop(pool.acquire(format), i);
            }
            try {
                throughput(frames, EncodeBenchmark.FRAMES); // warm-up: JIT, libraries loaded, encoder probed
                double fps = throughput(frames, frameCount);
                long[] latencies = latencies(frames, frameCount);
                return new Figures(fps, percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6);
            } finally {
                for (Frame frame : frames) {
                    frame.release();
                }
            }
        }
    }

    /** Includes opening the encoder on the first frame, as ffmpeg's own timing does. */
    private double throughput(Frame[] frames, int count) {
        EncodeVideo stage = stage();
        long start = System.nanoTime();
        Long packets = Flux.range(0, count)
                .map(i -> event(frames, i))
                .transform(stage)
                .count()
                .block(Duration.ofMinutes(10));
        long elapsed = System.nanoTime() - start;
        if (packets == null || packets != count) {
            throw new IllegalStateException("the stage gave " + packets + " packets for " + count + " frames");
        }
        return count / (elapsed / 1e9);
    }

    private long[] latencies(Frame[] frames, int count) throws InterruptedException {
        Sinks.Many<FrameEvent> input = Sinks.many().unicast().onBackpressureBuffer();
        BlockingQueue<EncodedPacket> output = new LinkedBlockingQueue<>();
        Disposable running = input.asFlux().transform(stage()).subscribe(output::add);
        long[] latencies = new long[count];
        try {
            // The first frame opens the encoder: latency of a running stream starts with the second.
            input.emitNext(event(frames, 0), Sinks.EmitFailureHandler.FAIL_FAST);
            if (output.poll(60, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("no packet for the first frame within 60 s");
            }
            for (int i = 1; i <= count; i++) {
                FrameEvent event = event(frames, i);
                input.emitNext(event, Sinks.EmitFailureHandler.FAIL_FAST);
                EncodedPacket packet = output.poll(30, TimeUnit.SECONDS);
                if (packet == null) {
                    throw new IllegalStateException("no packet for frame " + i + " within 30 s");
                }
                latencies[i - 1] = System.nanoTime() - event.captureNanos();
            }
        } finally {
            input.tryEmitComplete();
            running.dispose();
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /** An encode stage as the server builds it: libx264, constant bitrate, a keyframe every 120 frames. */
    private EncodeVideo stage() {
        return EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.parse("x264")).bitrate(bitrate)
                .frameRate(30).keyframeIntervalFrames(120).build(), StreamMeters.noop());
    }

    /** Frame {@code i} of the loop over the distinct frames, with its own reference for the stage to release. */
    private static FrameEvent event(Frame[] frames, int i) {
        Frame frame = frames[i % frames.length].retain();
        return new FrameEvent(frame, Damage.whole(), i, System.nanoTime(),
                i == 0 ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
    }
}
