package io.scanout.bench.fanout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;

/**
 * One fan-out run: starts {@code scanout serve} as its own process, connects {@code viewers}
 * {@link LoadViewer}s to its stream, lets them settle, measures a window, and stops everything.
 * Blocks for the whole run.
 *
 * @param source      the source URI for the server, e.g. {@code synthetic:1920x1080@30}
 * @param viewers     how many viewers
 * @param warmup      after every viewer has its first keyframe, before the window opens
 * @param window      the measured time
 * @param serverJar   the application jar, or null for {@code io.scanout.server.Main} on this class path
 * @param jvmArgs     options for the server's JVM
 * @param serveArgs   more {@code scanout serve} options
 * @param logDir      where the server's log goes ({@code scanout-fanout-N.log})
 */
record FanoutRun(String source, int viewers, Duration warmup, Duration window, Path serverJar, List<String> jvmArgs,
                 List<String> serveArgs, Path logDir) {
    /** Viewers connected at a time; each batch waits for its first keyframes before the next. */
    private static final int CONNECT_BATCH = 50;
    private static final String STREAM = "main";

    FanoutResult run() throws IOException, InterruptedException {
        List<LoadViewer> all = new ArrayList<>();
        // One connection per viewer, never pooled: a pool would cap the viewers at its size.
        ConnectionProvider connections = ConnectionProvider.newConnection();
        try (ServerProcess server = ServerProcess.start(serverJar, source, jvmArgs, serveArgs,
                logDir.resolve("scanout-fanout-" + viewers + ".log"))) {
            String base = "127.0.0.1:" + server.port();
            HttpClient.WebsocketSender ws = HttpClient.create(connections)
                    .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build());
            ClockOffset offset = new ClockOffset();
            try {
                connect(ws, "ws://" + base + "/streams/" + STREAM, offset, all);
                TimeUnit.MILLISECONDS.sleep(warmup.toMillis());
                return measure(server, "http://" + base + "/metrics", offset, all);
            } finally {
                all.forEach(LoadViewer::close);
            }
        } finally {
            connections.dispose();
        }
    }

    private void connect(HttpClient.WebsocketSender ws, String url, ClockOffset offset, List<LoadViewer> all)
            throws IOException, InterruptedException {
        while (all.size() < viewers) {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (int i = 0; i < CONNECT_BATCH && all.size() < viewers; i++) {
                LoadViewer viewer = all.isEmpty() ? LoadViewer.openPinging(ws, url, offset, Duration.ofMillis(500))
                        : LoadViewer.open(ws, url);
                all.add(viewer);
                batch.add(viewer.firstKeyframe());
            }
            try {
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("viewers " + (all.size() - batch.size() + 1) + ".." + all.size()
                        + " did not all get a keyframe within 60 s: " + e.getMessage(), e);
            }
        }
    }

    private FanoutResult measure(ServerProcess server, String metricsUrl, ClockOffset offset, List<LoadViewer> all)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.create();
        MetricsScrape before = scrape(http, metricsUrl);
        long serverCpu0 = server.cpuNanos();
        long clientCpu0 = clientCpuNanos();
        long machine0 = ProcStat.machineBusyNanos();
        long start = ClientClock.nowMicros();
        TimeUnit.MILLISECONDS.sleep(window.toMillis());
        long end = ClientClock.nowMicros();
        long serverCpu = server.cpuNanos() - serverCpu0;
        long clientCpu = clientCpuNanos() - clientCpu0;
        long machine = ProcStat.machineBusyNanos() - machine0;
        MetricsScrape after = scrape(http, metricsUrl);
        if (!server.alive()) {
            throw new IOException("the server died during the run; see " + server.log());
        }

        double seconds = (end - start) / 1e6;
        double wallNanos = (end - start) * 1e3;
        List<PacketLog.Window> windows = new ArrayList<>();
        long protocolErrors = 0;
        int failed = 0;
        for (LoadViewer v : all) {
            windows.add(v.log().window(start, end));
            protocolErrors += v.protocolErrors();
            failed += v.failure() != null ? 1 : 0;
        }
        String[] send = {"stream", STREAM, "stage", "send"};
        return new FanoutResult(viewers, seconds, ViewerSide.of(windows, seconds, offset.offsetMicros()),
                delta(before, after, "scanout_frames_encoded_total") / seconds,
                delta(before, after, "scanout_frames_dropped_total", "reason", "viewer-behind"),
                delta(before, after, "scanout_viewer_skips_total"),
                quantileMillis(before, after, "scanout_stage_latency_seconds", 0.5, send),
                quantileMillis(before, after, "scanout_stage_latency_seconds", 0.99, send),
                quantileMillis(before, after, "scanout_capture_to_wire_seconds", 0.5, "stream", STREAM),
                quantileMillis(before, after, "scanout_stage_latency_seconds", 0.5, "stream", STREAM, "stage", "encode"),
                serverCpu / wallNanos, clientCpu / wallNanos, Math.max(0, machine - serverCpu - clientCpu) / wallNanos,
                ProcStat.loadAverage(), offset.bestRoundTripMicros() / 1000.0, protocolErrors, failed);
    }

    private static double delta(MetricsScrape before, MetricsScrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private static double quantileMillis(MetricsScrape before, MetricsScrape after, String histogram, double q,
                                         String... labels) {
        TreeMap<Double, Double> b = before.buckets(histogram, labels);
        TreeMap<Double, Double> a = after.buckets(histogram, labels);
        return MetricsScrape.quantile(b, a, q) * 1000;
    }

    private static MetricsScrape scrape(HttpClient http, String url) throws IOException {
        String text = http.get().uri(url).responseContent().aggregate().asString().block(Duration.ofSeconds(30));
        if (text == null) {
            throw new IOException("empty answer from " + url);
        }
        return MetricsScrape.parse(text);
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
