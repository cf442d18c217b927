package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanout.server.config.ConfigFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token of the config file limited to some streams ({@code streams:}) reaches those only, over HTTP. */
class StreamTokenTest {
    private static final String ALICE = "alice-token-0123456789abcdef";
    private static final String OPS = "ops-token-0123456789abcdef";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aTokenForStreamAGets403OnStreamBAndSeesOnlyA(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("alice.token"), ALICE);
        Files.writeString(dir.resolve("ops.token"), OPS);
        Path config = Files.writeString(dir.resolve("scanout.yaml"), """
                bind: 127.0.0.1:0
                streams:
                  a:
                    source: synthetic:64x64@5
                  b:
                    source: synthetic:64x64@5
                security:
                  tokens:
                    alice: { scopes: "view, metrics", file: alice.token, streams: a }
                    ops: { scopes: "view, admin, metrics", file: ops.token }
                """);
        try (ScanoutServer server = ScanoutServer.start(ConfigFile.read(config))) {
            String base = "http://127.0.0.1:" + server.port();

            assertThat(get(base + "/streams/a", ALICE).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = get(base + "/streams/b", ALICE);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("'alice' is not allowed stream 'b'");
            assertThat(get(base + "/streams/b.ts", ALICE).statusCode()).as("players too").isEqualTo(403);
            assertThat(ids(get(base + "/streams", ALICE).body())).containsExactly("a");
            // metrics are server-wide: the scope decides
            assertThat(get(base + "/metrics", ALICE).statusCode()).isEqualTo(200);

            assertThat(get(base + "/streams/b", OPS).statusCode()).isEqualTo(200);
            assertThat(ids(get(base + "/streams", OPS).body())).containsExactly("a", "b");
        }
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> ids(String json) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode stream : new ObjectMapper().readTree(json)) {
            ids.add(stream.path("id").asText());
        }
        return ids;
    }
}
