package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.scanout.convert.Scaling;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import io.scanout.server.config.ConfigFile;
import io.scanout.transport.ViewerLimits;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * {@code POST /streams/{id}/encoder} on a running synthetic stream (libx264): a new bitrate reaches
 * the encoder — its answer and later ones say so, and the pictures a viewer then gets are smaller —
 * and a body that is wrong is a 400 naming the problem, changing nothing. The route needs the
 * {@code admin} scope, as {@code POST /admin/reload} does.
 */
class EncoderRouteTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String VIEWER = "viewer-token-0123456789abcdef";
    private static final String OPS = "ops-token-0123456789abcdef";
    private static ScanoutServer server;

    @BeforeAll
    static void start() {
        server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("main", "synthetic:640x360@30", Scaling.none(),
                        EncoderSettings.defaults().withEncoder(EncoderChoice.X264).withBitrate(8_000_000),
                        ViewerLimits.defaults()))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aLowerBitrateReachesTheRunningEncoder() {
        int before = averageSize(ViewerClient.watch(server.port(), "main", 20, TIMEOUT));

        assertThat(post("/streams/main/encoder", "{\"bitrate\":\"50k\",\"fps\":15}"))
                .isEqualTo("200 {\"bitrate\":50000,\"fps\":15}");
        assertThat(post("/streams/main/encoder", "{\"fps\":30}")).as("the bitrate set before stays")
                .isEqualTo("200 {\"bitrate\":50000,\"fps\":30}");
        // A new viewer first gets the current GOP, which may have begun before the change: only
        // the pictures captured after it count (the GOP holds at most 300 packets).
        long changedMicros = System.currentTimeMillis() * 1000;
        List<ViewerClient.Packet> after = ViewerClient.watch(server.port(), "main", 330, TIMEOUT).packets().stream()
                .filter(p -> p.captureEpochMicros() > changedMicros).toList();
        assertThat(after).as("packets captured after the change").hasSizeGreaterThanOrEqualTo(20);
        int afterAverage = (int) after.stream().mapToInt(p -> p.payload().length).average().orElseThrow();
        assertThat(afterAverage).as("average packet bytes at 50 kbit/s vs %d at 8 Mbit/s", before)
                .isLessThan(before / 2);

        assertThat(post("/streams/main/encoder", "{\"bitrate\":8000000}")).isEqualTo("200 {\"bitrate\":8000000,\"fps\":30}");
    }

    private static int averageSize(ViewerClient.Session session) {
        return (int) session.packets().stream().mapToInt(p -> p.payload().length).average().orElseThrow();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"bitrate\":                 | 400 encoder not changed: the body is not JSON",
        "[1, 2]                        | 400 encoder not changed: the body should be a JSON object",
        "{}                            | 400 encoder not changed: give bitrate, fps or both",
        "{\"bitrat\":\"2M\"}           | 400 encoder not changed: unknown field 'bitrat'",
        "{\"bitrate\":\"fast\"}        | 400 encoder not changed: a bitrate is bits per second",
        "{\"bitrate\":\"1G\"}          | 400 encoder not changed: a bitrate is",
        "{\"bitrate\":\"2M\",\"fps\":0} | 400 encoder not changed: frame rate 0 fps is outside",
        "{\"fps\":1.5}                 | 400 encoder not changed: fps should be a whole number",
        "{\"fps\":\"15\"}              | 400 encoder not changed: fps should be a whole number",
    })
    void aBadBodyIs400NamingTheProblemAndChangesNothing(String body, String answer) {
        String before = post("/streams/main/encoder", "{\"fps\":30}");
        assertThat(post("/streams/main/encoder", body)).startsWith(answer.strip());
        assertThat(post("/streams/main/encoder", "{\"fps\":30}")).as("unchanged").isEqualTo(before);
    }

    @Test
    void anUnknownStreamIs404AndAHugeBodyIs400() {
        assertThat(post("/streams/nope/encoder", "{\"fps\":15}")).startsWith("404 ").contains("no stream 'nope'");
        String huge = "{\"fps\":15" + IntStream.range(0, 2000).mapToObj(i -> ",\"x" + i + "\":1")
                .reduce("", String::concat) + "}";
        assertThat(post("/streams/main/encoder", huge)).startsWith("400 ").contains("larger than 4096 bytes");
    }

    @Test
    void onlyAnAdminTokenMayChangeTheEncoder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("viewer.token"), VIEWER);
        Files.writeString(dir.resolve("ops.token"), OPS);
        Path config = Files.writeString(dir.resolve("scanout.yaml"), """
                bind: 127.0.0.1:0
                streams:
                  a:
                    source: synthetic:64x64@5
                security:
                  tokens:
                    viewer: { scopes: view, file: viewer.token }
                    ops: { scopes: "view, admin", file: ops.token }
                """);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try (ScanoutServer secured = ScanoutServer.start(ConfigFile.read(config))) {
            URI uri = URI.create("http://127.0.0.1:" + secured.port() + "/streams/a/encoder");
            assertThat(post(http, uri, null).statusCode()).as("no token").isEqualTo(401);
            assertThat(post(http, uri, VIEWER).statusCode()).as("view scope only").isEqualTo(403);
            HttpResponse<String> done = post(http, uri, OPS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).isEqualTo("{\"bitrate\":4000000,\"fps\":12}");
        }
    }

    private static HttpResponse<String> post(java.net.http.HttpClient http, URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"fps\":12}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String post(String path, String body) {
        return HttpClient.create().post().uri("http://127.0.0.1:" + server.port() + path)
                .send(Mono.just(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)))
                .responseSingle((response, content) -> content.asString().defaultIfEmpty("")
                        .map(text -> response.status().code() + " " + text.strip()))
                .block(Duration.ofSeconds(30));
    }
}
