package io.scanout.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.ScanoutServer;
import io.scanout.server.ServerSettings;
import io.scanout.server.StreamSettings;
import io.scanout.server.cli.BindAddress;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;

/**
 * The end-to-end run: a Scanout server in this JVM streaming a source through convert and encode
 * to WebSocket viewers on loopback, measured from the viewers' side.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.scanout.bench.EndToEndHarness \
 *     [--source synthetic:1920x1080@60] [--seconds 20] [--warmup 5] [--viewers 1] [--bitrate 8M]</pre>
 *
 * Prints delivered frames per second per viewer, capture-to-receive latency (p50/p99, the
 * packet's capture time against the viewer's clock — one machine, one clock), the server's own
 * capture-to-wire percentiles, frames dropped, and the process's CPU use.
 */
public final class EndToEndHarness {
    private EndToEndHarness() {
    }

    public static void main(String[] args) throws InterruptedException {
        String source = option(args, "--source", "synthetic:1920x1080@60");
        int seconds = Integer.parseInt(option(args, "--seconds", "20"));
        int warmup = Integer.parseInt(option(args, "--warmup", "5"));
        int viewers = Integer.parseInt(option(args, "--viewers", "1"));
        long bitrate = EncoderSettings.parseBitrate(option(args, "--bitrate", "8M"));

        ServerSettings settings = new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("bench", source, EncoderSettings.builder().bitrate(bitrate).build())));
        try (ScanoutServer server = ScanoutServer.start(settings)) {
            AtomicBoolean measuring = new AtomicBoolean();
            List<Viewer> all = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                all.add(new Viewer(server.port(), measuring));
            }
            TimeUnit.SECONDS.sleep(warmup);
            MeterRegistry registry = server.meterRegistry();
            double droppedBefore = dropped(registry);
            double capturedBefore = counter(registry, "scanout.frames.captured");
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            measuring.set(true);
            TimeUnit.SECONDS.sleep(seconds);
            measuring.set(false);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = (processCpuNanos() - cpuBefore) / 1e9 / elapsed;

            double[] fps = all.stream().mapToDouble(v -> v.packets.get() / elapsed).sorted().toArray();
            long[] latencies = all.stream().flatMapToLong(v -> v.latenciesMicros().stream().mapToLong(Long::longValue))
                    .sorted().toArray();
            Timer wire = registry.find("scanout.capture.to.wire").timer();
            System.out.printf(Locale.ROOT, "source %s, %d viewer(s), %.1f s measured after %d s warm-up%n",
                    source, viewers, elapsed, warmup);
            System.out.printf(Locale.ROOT, "captured fps %.1f, dropped frames %.0f%n",
                    (counter(registry, "scanout.frames.captured") - capturedBefore) / elapsed,
                    dropped(registry) - droppedBefore);
            System.out.printf(Locale.ROOT, "delivered fps per viewer: min %.1f, median %.1f, max %.1f%n",
                    fps[0], fps[fps.length / 2], fps[fps.length - 1]);
            System.out.printf(Locale.ROOT, "capture-to-receive latency: p50 %.1f ms, p99 %.1f ms (%d packets)%n",
                    percentile(latencies, 0.50) / 1000.0, percentile(latencies, 0.99) / 1000.0, latencies.length);
            if (wire != null) {
                StringBuilder s = new StringBuilder("server capture-to-wire (whole run):");
                for (ValueAtPercentile p : wire.takeSnapshot().percentileValues()) {
                    s.append(String.format(Locale.ROOT, " p%.0f %.1f ms", p.percentile() * 100,
                            p.value(TimeUnit.MILLISECONDS)));
                }
                System.out.println(s);
            }
            System.out.printf(Locale.ROOT, "process CPU: %.2f cores of %d%n", cpu,
                    Runtime.getRuntime().availableProcessors());
            all.forEach(Viewer::close);
        }
    }

    private static double dropped(MeterRegistry registry) {
        return registry.find("scanout.frames.dropped").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static double counter(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static String option(String[] args, String name, String fallback) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
    }

    /** One WebSocket viewer counting packets and their latency while the run is measured. */
    private static final class Viewer {
        final AtomicLong packets = new AtomicLong();
        private final List<Long> latencies = new ArrayList<>();
        private final Disposable connection;

        Viewer(int port, AtomicBoolean measuring) {
            connection = HttpClient.create().websocket(reactor.netty.http.client.WebsocketClientSpec.builder()
                            .maxFramePayloadLength(16 << 20).build())
                    .uri("ws://127.0.0.1:" + port + "/streams/bench")
                    .handle((in, out) -> in.receive().asByteBuffer())
                    .subscribe(message -> received(message, measuring.get()));
        }

        private void received(ByteBuffer message, boolean measured) {
            // docs/protocol.md: PACKET is type 2; capture time (epoch µs) follows type, version, flags, sequence, pts.
            if (!measured || message.remaining() < 35 || message.get(0) != 2) {
                return;
            }
            long captureMicros = message.getLong(message.position() + 19);
            Instant now = Instant.now();
            long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            packets.incrementAndGet();
            synchronized (latencies) {
                latencies.add(nowMicros - captureMicros);
            }
        }

        List<Long> latenciesMicros() {
            synchronized (latencies) {
                return new ArrayList<>(latencies);
            }
        }

        void close() {
            connection.dispose();
        }
    }
}
