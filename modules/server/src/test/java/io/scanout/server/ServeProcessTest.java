package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

/**
 * {@code scanout serve --config … --log-format json} as its own process, as an operator runs it:
 * JSON log lines, {@code kill -HUP} re-reads the file, {@code kill -TERM} stops it cleanly.
 */
class ServeProcessTest {
    private static final Pattern SERVING = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");

    @Test
    void sighupReloadsAndLogsAreJson(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("scanout.yaml");
        Files.writeString(config, "bind: 127.0.0.1:0\nstreams:\n  vm1:\n    source: synthetic:96x96@5\n");
        Process scanout = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--config", config.toString(), "--log-format", "json")
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(scanout.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("reader failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String serving = awaitLine(lines, "Scanout is serving");
            JsonNode json = new ObjectMapper().readTree(serving);
            assertThat(json.path("level").asText()).isEqualTo("INFO");
            Matcher port = SERVING.matcher(json.path("formattedMessage").asText());
            assertThat(port.find()).as("the log names the URL: %s", serving).isTrue();
            String streams = "http://127.0.0.1:" + port.group(1) + "/streams";

            Files.writeString(config, "bind: 127.0.0.1:0\nstreams:\n  vm1:\n    source: synthetic:96x96@5\n"
                    + "  vm2:\n    source: synthetic:64x64@5\n");
            new ProcessBuilder("kill", "-HUP", Long.toString(scanout.pid())).start().waitFor();
            awaitLine(lines, "reload: added [vm2]");
            assertThat(get(streams)).contains("\"id\":\"vm2\"");
        } finally {
            scanout.destroy(); // SIGTERM: the shutdown hook closes the server
            assertThat(scanout.waitFor(30, TimeUnit.SECONDS)).as("scanout stops on SIGTERM").isTrue();
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, String containing) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            if (line.contains(containing)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("no log line with '" + containing + "'; saw:\n" + seen);
    }

    private static String get(String url) {
        return HttpClient.create().get().uri(url).responseContent().aggregate().asString()
                .block(Duration.ofSeconds(10));
    }
}
