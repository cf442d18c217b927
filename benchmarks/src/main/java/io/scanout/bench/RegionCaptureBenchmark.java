package io.scanout.bench;

import io.scanout.capture.FrameSources;
import io.scanout.capture.region.RegionProducer;
import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Issue 3: region capture of a 1920×1080 XR24 frame — the real {@link RegionProducer} (the code
 * behind {@code scanout region-producer}) on a {@code /dev/shm} file, the real {@code region:}
 * source asking at 60 fps, both in this JVM, so both read the same {@link System#nanoTime()} clock.
 *
 * <p>Per frame it measures
 * <ul>
 *   <li><b>latency</b>: the producer's "complete" ({@link RegionProducer#lastAnswerNanos()}, taken
 *   just after its release store of {@code state = 2}) to the frame event reaching the subscriber
 *   (on the source's thread, after validation and the copy into a pooled frame), split into
 *   complete → seen by the poller ({@code FrameEvent.captureNanos}) and seen → event (the copy);</li>
 *   <li><b>capture CPU</b>: the poller thread's ({@code scanout-region-N}) CPU time from
 *   {@link ThreadMXBean#getThreadCpuTime}, divided by the frames it emitted: waiting for the
 *   answer (it parks 0.1 ms between reads), validating, copying, emitting. The producer's own CPU
 *   (drawing the pattern) is printed apart; it is the emulated vGPU's cost, not Scanout's.</li>
 * </ul>
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.scanout.bench.RegionCaptureBenchmark [WxH] [seconds] [warm-up seconds]
 * </pre>
 */
public final class RegionCaptureBenchmark {
    private static final int FPS = 60;

    private RegionCaptureBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String size = args.length > 0 ? args[0] : "1920x1080";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int[] wh = VideoFormat.parseSize(size);
        VideoFormat format = new VideoFormat(DrmFormat.XR24, wh[0], wh[1]);
        Path path = Path.of("/dev/shm", "scanout-region-bench-" + ProcessHandle.current().pid());
        String load = loadAverage();
        try (RegionProducer producer = RegionProducer.start(path, format, FPS);
             FramePool pool = new FramePool()) {
            Measurement warm = measure(producer, pool, path, Duration.ofSeconds(warmup));
            Measurement run = measure(producer, pool, path, Duration.ofSeconds(seconds));
            System.out.printf("region %s %s at %d fps, %d s after %d s warm-up (%d warm-up frames), load before %s,"
                    + " after %s%n", path, format, FPS, seconds, warmup, warm.frames, load, loadAverage());
            run.print();
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** One subscription to {@code region:path?fps=60} for {@code length}. */
    private static Measurement measure(RegionProducer producer, FramePool pool, Path path, Duration length) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int capacity = (int) (length.toSeconds() + 2) * FPS * 2;
        long[] total = new long[capacity];
        long[] seen = new long[capacity];
        long[] copy = new long[capacity];
        int[] count = {0};
        long[] poller = {-1, 0, 0}; // thread id, CPU at the first frame, CPU at the last
        long[] previousAnswer = {producer.lastAnswerNanos()};
        long producerCpuBefore = producerCpu(threads);
        long start = System.nanoTime();
        FrameSources.open("region:" + path + "?fps=" + FPS, pool, StreamMeters.noop()).frames()
                .take(length)
                .doOnNext(event -> {
                    long now = System.nanoTime();
                    long complete = producer.lastAnswerNanos();
                    // The producer stores its time just after state = 2: on the rare frame where the
                    // poller got here first, wait for that store rather than read the previous answer's.
                    while (complete == previousAnswer[0]) {
                        Thread.onSpinWait();
                        complete = producer.lastAnswerNanos();
                    }
                    previousAnswer[0] = complete;
                    if (poller[0] < 0) {
                        poller[0] = Thread.currentThread().getId();
                        poller[1] = threads.getThreadCpuTime(poller[0]);
                    }
                    poller[2] = threads.getThreadCpuTime(poller[0]);
                    int i = count[0]++;
                    if (i < capacity) {
                        total[i] = now - complete;
                        seen[i] = event.captureNanos() - complete;
                        copy[i] = now - event.captureNanos();
                    }
                    event.release();
                })
                .blockLast();
        double elapsed = (System.nanoTime() - start) / 1e9;
        int n = Math.min(count[0], capacity);
        return new Measurement(n, elapsed, Arrays.copyOf(total, n), Arrays.copyOf(seen, n), Arrays.copyOf(copy, n),
                (poller[2] - poller[1]) / Math.max(1.0, n - 1),
                (producerCpu(threads) - producerCpuBefore) / Math.max(1.0, n));
    }

    /** CPU nanoseconds of the producer's thread, {@code scanout-region-producer-N}. */
    private static long producerCpu(ThreadMXBean threads) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("scanout-region-producer-") && t.isAlive()) {
                return threads.getThreadCpuTime(t.getId());
            }
        }
        return 0;
    }

    private record Measurement(int frames, double seconds, long[] total, long[] seen, long[] copy,
                               double pollerCpuNanos, double producerCpuNanos) {
        void print() {
            System.out.printf("frames %d in %.1f s: %.1f frames/s%n", frames, seconds, frames / seconds);
            System.out.printf("producer complete -> frame event: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                    percentile(total, 50), percentile(total, 99), percentile(total, 100));
            System.out.printf("  complete -> seen by the poller: p50 %.3f ms, p99 %.3f ms%n",
                    percentile(seen, 50), percentile(seen, 99));
            System.out.printf("  seen -> frame event (validate, copy, emit): p50 %.3f ms, p99 %.3f ms%n",
                    percentile(copy, 50), percentile(copy, 99));
            System.out.printf("capture thread CPU per frame: %.3f ms; producer thread (drawing the pattern): %.3f ms%n",
                    pollerCpuNanos / 1e6, producerCpuNanos / 1e6);
        }
    }

    /** The {@code p}th percentile (nearest rank) in milliseconds. */
    private static double percentile(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private static String loadAverage() throws IOException {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }
}
