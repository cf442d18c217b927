package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * Three viewers of one stream cost one encode: the encoder takes each captured frame once (frames
 * encoded = captured − dropped before the encoder, not three times that), and the viewers get the
 * very same packets.
 */
class OneEncodeForManyViewersTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Frames between the source and the encoder when the metrics are read: its queue and the one being encoded. */
    private static final int IN_FLIGHT = 10;

    @Test
    void threeViewersShareOneEncode() throws Exception {
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("main", "synthetic:320x240@30", EncoderSettings.builder().bitrate(1_000_000).build()))))) {
            long started = System.nanoTime();
            List<CompletableFuture<ViewerClient.Session>> watching = List.of(
                    CompletableFuture.supplyAsync(() -> ViewerClient.watch(server.port(), "main", 45, TIMEOUT)),
                    CompletableFuture.supplyAsync(() -> ViewerClient.watch(server.port(), "main", 45, TIMEOUT)),
                    CompletableFuture.supplyAsync(() -> ViewerClient.watch(server.port(), "main", 45, TIMEOUT)));
            List<ViewerClient.Session> sessions = watching.stream().map(CompletableFuture::join).toList();
            String metrics = HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + "/metrics")
                    .responseContent().aggregate().asString().block(TIMEOUT);
            // The change detector re-sends the last frame when none came for a second: encoded, not captured.
            long keepAlives = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 2;

            double captured = value(metrics, "scanout_frames_captured_total{stream=\"main\"}");
            double encoded = value(metrics, "scanout_frames_encoded_total{stream=\"main\"}");
            double droppedBeforeEncoder = value(metrics, "scanout_frames_dropped_total{reason=\"backpressure\",stream=\"main\"}")
                    + value(metrics, "scanout_frames_dropped_total{reason=\"unchanged\",stream=\"main\"}")
                    + value(metrics, "scanout_frames_dropped_total{reason=\"error\",stream=\"main\"}");
            long delivered = sessions.stream().mapToLong(s -> s.packets().size()).sum();
            assertThat(delivered).isGreaterThanOrEqualTo(3 * 45);
            assertThat(encoded).as("each captured frame encoded at most once (captured %s, keep-alives <= %d)",
                    captured, keepAlives).isLessThanOrEqualTo(captured + keepAlives);
            assertThat(encoded).as("captured %s − dropped %s, less what is in flight", captured, droppedBeforeEncoder)
                    .isGreaterThanOrEqualTo(captured - droppedBeforeEncoder - IN_FLIGHT);

            // The same frame reaches every viewer as the same bytes: one packet, fanned out.
            Map<Long, byte[]> first = new HashMap<>();
            sessions.get(0).packets().forEach(p -> first.put(p.sequence(), p.payload()));
            int shared = 0;
            for (ViewerClient.Session other : sessions.subList(1, 3)) {
                for (ViewerClient.Packet p : other.packets()) {
                    byte[] same = first.get(p.sequence());
                    if (same != null) {
                        assertThat(Arrays.equals(same, p.payload())).as("packet %d's bytes", p.sequence()).isTrue();
                        shared++;
                    }
                }
            }
            assertThat(shared).as("packets two viewers both got").isGreaterThanOrEqualTo(20);
        }
    }

    private static double value(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no series " + series + " in /metrics"));
    }
}
