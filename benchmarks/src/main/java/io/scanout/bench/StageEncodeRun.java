package io.scanout.bench;

import io.scanout.convert.Colorimetry;
import io.scanout.convert.ConvertSettings;
import io.scanout.convert.NormalizeFormat;
import io.scanout.core.Damage;
import io.scanout.core.EncodedPacket;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.EncodeVideo;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Scanout's convert and encode stages as the server wires them ({@link NormalizeFormat} to the
 * encoder's input format with its colorimetry, then {@link EncodeVideo}, libx264), on the
 * {@link BgraDesktop} frames (XR24, i.e. FFmpeg's {@code bgra}), each measurement on fresh stages
 * after a warm-up pass. Two modes:
 * <ul>
 *   <li><b>serial</b>: one frame in the pipeline at a time: it is converted, then encoded, and the
 *   next frame goes in when its packet is out, so convert and encode never overlap. Frames per
 *   second of wall time, and per frame the time from handing the frame event in to its packet
 *   coming out (convert, thread hop, encode), p50 and p99.</li>
 *   <li><b>pipelined</b>: convert on a thread of its own (standing for the source's thread, which
 *   converts in the server) and encode on the encoder's thread, frames pushed as fast as the pair
 *   takes them: frame N+1 is converted while frame N encodes. At most one frame waits before each
 *   stage, as behind a real source. Frames per second, and the same frame-in to packet-out time,
 *   which now includes the wait before each stage.</li>
 * </ul>
 * Both include opening the encoder on the first frame, as ffmpeg's own timing does; the latency
 * figures leave that first frame out. Blocks; not thread-safe.
 */
final class StageEncodeRun {
    /** How the two stages share the machine. */
    enum Mode {
        SERIAL, PIPELINED
    }

    /**
     * What one measurement gave. CPU is this process's (every thread: convert, its helpers, the
     * encoder and libx264's threads, and the JVM's own), like ffmpeg's {@code utime + stime}.
     */
    record Figures(double framesPerSecond, double latencyP50Millis, double latencyP99Millis,
                   double cpuMillisPerFrame) {
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final int width;
    private final int height;
    private final long bitrate;

    StageEncodeRun(int width, int height, long bitrate) {
        this.width = width;
        this.height = height;
        this.bitrate = bitrate;
    }

    /** One warm-up pass (JIT, libraries loaded, encoder probed), then {@code frameCount} frames measured. */
    Figures measure(Mode mode, int frameCount) throws InterruptedException {
        try (FramePool input = new FramePool(EncodeBenchmark.FRAMES); FramePool converted = new FramePool()) {
            Frame[] frames = BgraDesktop.frames(input, width, height);
            try {
                run(mode, frames, converted, EncodeBenchmark.FRAMES);
                return run(mode, frames, converted, frameCount);
            } finally {
                for (Frame frame : frames) {
                    frame.release();
                }
            }
        }
    }

    private Figures run(Mode mode, Frame[] frames, FramePool converted, int count) throws InterruptedException {
        EncodeVideo encode = encodeStage();
        NormalizeFormat convert = convertStage(encode, converted);
        return mode == Mode.SERIAL ? serial(frames, convert, encode, count) : pipelined(frames, convert, encode, count);
    }

    private Figures serial(Frame[] frames, NormalizeFormat convert, EncodeVideo encode, int count)
            throws InterruptedException {
        Sinks.Many<FrameEvent> input = Sinks.many().unicast().onBackpressureBuffer();
        BlockingQueue<EncodedPacket> output = new LinkedBlockingQueue<>();
        Disposable running = input.asFlux().transform(convert).transform(encode).subscribe(output::add);
        long[] latencies = new long[count - 1];
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                // Converts on this thread, inside emitNext; the encoder's thread takes it from there.
                input.emitNext(event(frames, i), Sinks.EmitFailureHandler.FAIL_FAST);
                EncodedPacket packet = output.poll(i == 0 ? 60 : 30, TimeUnit.SECONDS);
                if (packet == null) {
                    throw new IllegalStateException("no packet for frame " + i + " within 30 s");
                }
                if (i > 0) {
                    // The first frame opens the encoder: latency of a running stream starts with the second.
                    latencies[i - 1] = System.nanoTime() - packet.captureNanos();
                }
            }
        } finally {
            input.tryEmitComplete();
            running.dispose();
        }
        return figures(count, System.nanoTime() - start, OS.getProcessCpuTime() - cpu, latencies);
    }

    private Figures pipelined(Frame[] frames, NormalizeFormat convert, EncodeVideo encode, int count) {
        Scheduler convertThread = Schedulers.newSingle("bench-convert", true);
        long[] latencies = new long[count];
        int[] packets = {0};
        try {
            long cpu = OS.getProcessCpuTime();
            long start = System.nanoTime();
            Flux.range(0, count)
                    .map(i -> event(frames, i))
                    // As a source hands frames over from its own thread: one waits while one converts.
                    .publishOn(convertThread, 1)
                    .transform(convert)
                    .transform(encode)
                    .doOnNext(packet -> latencies[packets[0]++] = System.nanoTime() - packet.captureNanos())
                    .then()
                    .block(Duration.ofMinutes(10));
            long elapsed = System.nanoTime() - start;
            long cpuUsed = OS.getProcessCpuTime() - cpu;
            if (packets[0] != count) {
                throw new IllegalStateException("the stages gave " + packets[0] + " packets for " + count + " frames");
            }
            return figures(count, elapsed, cpuUsed, Arrays.copyOfRange(latencies, 1, count));
        } finally {
            convertThread.dispose();
        }
    }

    /** The encode stage as the server builds it by default for x264: constant bitrate, a keyframe every 120 frames. */
    private EncodeVideo encodeStage() {
        return EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.parse("x264")).bitrate(bitrate)
                .frameRate(30).keyframeIntervalFrames(120).build(), StreamMeters.noop());
    }

    /** The convert stage as {@code StreamPipeline} wires it: to the encoder's format and colorimetry, no scaling. */
    private static NormalizeFormat convertStage(EncodeVideo encode, FramePool pool) {
        ConvertSettings settings = ConvertSettings.to(encode.inputFormat())
                .withColorimetry(Colorimetry.parse(encode.settings().colour().id()));
        return NormalizeFormat.with(settings, pool, StreamMeters.noop());
    }

    /** Frame {@code i} of the loop over the distinct frames, with its own reference for the stages to release. */
    private static FrameEvent event(Frame[] frames, int i) {
        Frame frame = frames[i % frames.length].retain();
        return new FrameEvent(frame, Damage.whole(), i, System.nanoTime(),
                i == 0 ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    private static Figures figures(int count, long elapsedNanos, long cpuNanos, long[] latencies) {
        Arrays.sort(latencies);
        return new Figures(count / (elapsedNanos / 1e9), percentile(latencies, 0.50) / 1e6,
                percentile(latencies, 0.99) / 1e6, cpuNanos / 1e6 / count);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
    }
}
