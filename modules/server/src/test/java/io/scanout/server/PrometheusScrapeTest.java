package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * A real Prometheus (Debian's package) scrapes a running Scanout, and its query API returns the
 * series a dashboard is built on, with values that show the stream is alive.
 */
class PrometheusScrapeTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheusScrapesTheKeySeries(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "Debian's prometheus is not installed; skipping the scrape test");
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("vm1", "synthetic:160x120@15", EncoderSettings.builder().build()))))) {
            Disposable viewer = reactor.netty.http.client.HttpClient.create().websocket()
                    .uri("ws://127.0.0.1:" + server.port() + "/streams/vm1")
                    .handle((in, out) -> in.receive().then()).subscribe();
            int prometheusPort = freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: scanout
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(server.port()));
            Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=";
                // Rates need two scrapes; counters and gauges need one.
                assertThat(await(api, "rate(scanout_frames_captured_total{stream=\"vm1\"}[5s])")).isPositive();
                assertThat(await(api, "scanout_frames_encoded_total{stream=\"vm1\",job=\"scanout\"}")).isPositive();
                assertThat(await(api, "scanout_stage_latency_seconds_count{stream=\"vm1\",stage=\"convert\"}"))
                        .isPositive();
                assertThat(await(api, "scanout_stage_latency_seconds_count{stream=\"vm1\",stage=\"encode\"}"))
                        .isPositive();
                assertThat(await(api, "histogram_quantile(0.99, rate(scanout_capture_to_wire_seconds_bucket[5s]))"))
                        .isPositive();
                assertThat(await(api, "scanout_viewers{stream=\"vm1\"}")).isEqualTo(1.0);
                assertThat(await(api, "scanout_viewer_bytes_sent_bytes_total{stream=\"vm1\"}")).isPositive();
                assertThat(await(api, "sum(scanout_encoder_bytes_total{encoder=\"libx264\"})")).isPositive();
                assertThat(await(api, "sum(jvm_memory_used_bytes)")).isPositive();
                assertThat(await(api, "process_files_open_files")).isPositive();
                assertThat(await(api, "scanout_native_memory_physical_bytes")).isPositive();
            } finally {
                viewer.dispose();
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
    }

    /** Queries until the result has a positive value, or 60 s pass; returns the last value seen. */
    private double await(String api, String query) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double value = 0;
        while (System.nanoTime() < deadline) {
            value = query(api, query);
            if (value > 0) {
                return value;
            }
            Thread.sleep(500);
        }
        return value;
    }

    private double query(String api, String query) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(api + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            return 0; // Prometheus is still starting.
        }
        JsonNode result = new ObjectMapper().readTree(response.body()).path("data").path("result");
        if (!result.isArray() || result.isEmpty()) {
            return 0;
        }
        double value = Double.parseDouble(result.get(0).path("value").get(1).asText());
        return Double.isNaN(value) ? 0 : value;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
