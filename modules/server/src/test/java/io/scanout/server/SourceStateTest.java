package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import io.scanout.transport.security.BearerToken;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /streams} and {@code scanout status} say whether each source delivers, and its last error:
 * a running test pattern is connected; a VNC source whose server is not there is reconnecting,
 * with the refusal and its time. {@code status} reaches a server with auth on through its token.
 */
class SourceStateTest {
    private static final String TOKEN = "status-token-0123456789abcdef";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void streamsShowEachSourcesStateAndStatusPrintsItWithAToken(@TempDir Path dir) throws Exception {
        int closedPort = CaptureTesting.freePort();
        SecuritySettings security = SecuritySettings.builder()
                .token(BearerToken.of("ops", TOKEN, EnumSet.allOf(Scope.class))).build();
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("pattern", "synthetic:96x96@10", EncoderSettings.builder().build()),
                new StreamSettings("vm", "vnc://127.0.0.1:" + closedPort, EncoderSettings.builder().build())))
                .withSecurity(security))) {
            String base = "http://127.0.0.1:" + server.port();
            Instant before = Instant.now();

            JsonNode pattern = awaitSourceState(base, "pattern", "connected");
            assertThat(pattern.path("sourceError").isNull()).as("no error: %s", pattern).isTrue();
            JsonNode vm = awaitSourceState(base, "vm", "reconnecting");
            assertThat(vm.path("sourceError").asText()).as("the refusal: %s", vm).containsIgnoringCase("refused");
            assertThat(Instant.parse(vm.path("sourceErrorAt").asText()))
                    .isBetween(before.minusSeconds(1), Instant.now());

            ScanoutRun refused = ScanoutRun.of("status", "--server", base);
            assertThat(refused.exitCode()).as("without a token").isEqualTo(1);
            assertThat(refused.err()).contains("401").contains("--token-file");

            Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
            ScanoutRun status = ScanoutRun.of("status", "--server", base, "--token-file", tokenFile.toString());
            assertThat(status.exitCode()).isZero();
            List<String> lines = status.out().lines().toList();
            assertThat(lines.get(0)).startsWith("STREAM").contains("SOURCE-STATE");
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("pattern").contains(" connected "));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("vm ").contains(" reconnecting ")
                    .contains("vnc://127.0.0.1:" + closedPort));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("last source error at ").containsIgnoringCase("refused"));
        }
    }

    @Test
    void aSourceThatFailsRestartsThePipelineCountedAndShown(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-region");
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("vm", "region:" + missing, EncoderSettings.builder().build()))))) {
            String base = "http://127.0.0.1:" + server.port();
            JsonNode vm = awaitSourceState(base, "vm", "reconnecting");
            assertThat(vm.path("sourceError").asText()).as("names the file: %s", vm).contains(missing.toString());

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            double restarts = 0;
            while (restarts < 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                restarts = metric(base, "scanout_source_restarts_total{stream=\"vm\"}");
            }
            assertThat(restarts).as("restarts with backoff, each counted").isGreaterThanOrEqualTo(2);
        }
    }

    private double metric(String base, String series) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length() + 1).strip())).findFirst().orElse(0);
    }

    /** {@code GET /streams} until stream {@code id}'s sourceState is {@code state}, or 30 s pass. */
    private JsonNode awaitSourceState(String base, String id, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            // The token is ignored by a server without auth.
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/streams"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            for (JsonNode stream : new ObjectMapper().readTree(response.body())) {
                if (stream.path("id").asText().equals(id)) {
                    last = stream;
                }
            }
            if (last != null && last.path("sourceState").asText().equals(state)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("stream " + id + " never had sourceState " + state + "; last: " + last);
    }
}
