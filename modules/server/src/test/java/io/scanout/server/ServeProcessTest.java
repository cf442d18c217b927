package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * {@code scanout serve --config …} as its own process, as an operator runs it: JSON log lines
 * (every one), the human-readable default, {@code kill -HUP} re-reads the file, {@code kill -TERM}
 * stops it cleanly.
 *
 * <p>The process gets the main classpath only: the test classes and the other modules' test jars
 * carry {@code logback-test.xml}, which logback prefers to the application's {@code logback.xml}
 * and would make the default format under test the tests' own.
 */
class ServeProcessTest {
    private static final Pattern SERVING = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");
    /** A human-readable line: {@code 12:34:56.789 INFO  [thread] logger - message}. */
    private static final Pattern TEXT_LINE = Pattern.compile(
            "^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO |WARN |ERROR) \\[[^]]+] \\S+ - .*");

    @Test
    void sighupReloadsAndLogsAreJson(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("scanout.yaml");
        Files.writeString(config, "bind: 127.0.0.1:0\nstreams:\n  vm1:\n    source: synthetic:96x96@5\n");
        Process scanout = serve(config, "--log-format", "json");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> all = new CopyOnWriteArrayList<>();
        read(scanout, lines, all);
        try {
            String serving = awaitLine(lines, "Scanout is serving");
            JsonNode json = new ObjectMapper().readTree(serving);
            assertThat(json.path("level").asText()).isEqualTo("INFO");
            Matcher port = SERVING.matcher(json.path("formattedMessage").asText());
            assertThat(port.find()).as("the log names the URL: %s", serving).isTrue();
            String streams = "http://127.0.0.1:" + port.group(1) + "/streams";

            Files.writeString(config, "bind: 127.0.0.1:0\nstreams:\n  vm1:\n    source: synthetic:96x96@5\n"
                    + "  vm2:\n    source: synthetic:64x64@5\n");
            hangUp(scanout);
            awaitLine(lines, "reload: added [vm2]");
            assertThat(get(streams)).contains("\"id\":\"vm2\"");

            // A viewer of vm2 keeps receiving while vm1 is removed and a bad file is sent.
            AtomicInteger received = new AtomicInteger();
            Disposable watching = HttpClient.create()
                    .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
                    .uri("ws://127.0.0.1:" + port.group(1) + "/streams/vm2")
                    .handle((in, out) -> in.receive().doOnNext(frame -> received.incrementAndGet()).then())
                    .subscribe();
            awaitAtLeast(received, 1);
            Files.writeString(config, "bind: 127.0.0.1:0\nstreams:\n  vm2:\n    source: synthetic:64x64@5\n");
            hangUp(scanout);
            awaitLine(lines, "removed [vm1]");
            assertThat(get(streams)).doesNotContain("\"id\":\"vm1\"").contains("\"id\":\"vm2\"");
            Files.writeString(config, "bind: 127.0.0.1:0\nstreams:\n  vm2:\n    source: synthetic:64x64@5\n"
                    + "    bitrate: fast\n");
            hangUp(scanout);
            awaitLine(lines, "streams.vm2.bitrate");
            assertThat(get(streams)).contains("\"id\":\"vm2\"");
            int before = received.get();
            awaitAtLeast(received, before + 5);
            assertThat(received.get()).as("the vm2 viewer keeps receiving").isGreaterThanOrEqualTo(before + 5);
            watching.dispose();
        } finally {
            scanout.destroy(); // SIGTERM: the shutdown hook closes the server
            assertThat(scanout.waitFor(30, TimeUnit.SECONDS)).as("scanout stops on SIGTERM").isTrue();
        }
        Thread.sleep(200); // the reader's last lines
        ObjectMapper json = new ObjectMapper();
        assertThat(all).as("log lines").hasSizeGreaterThan(3);
        for (String line : all) {
            if (line.startsWith("WARNING: Using incubator modules")) {
                continue; // the JVM's own line about --add-modules, before any logging
            }
            JsonNode node = json.readTree(line);
            assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
            assertThat(node.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(node.hasNonNull("formattedMessage")).as(line).isTrue();
        }
    }

    @Test
    void theDefaultLogIsOneHumanReadableLinePerEvent(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("scanout.yaml");
        Files.writeString(config, "bind: 127.0.0.1:0\nstreams:\n  vm1:\n    source: synthetic:96x96@5\n");
        Process scanout = serve(config);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> all = new CopyOnWriteArrayList<>();
        read(scanout, lines, all);
        try {
            awaitLine(lines, "Scanout is serving");
        } finally {
            scanout.destroy();
            assertThat(scanout.waitFor(30, TimeUnit.SECONDS)).as("scanout stops on SIGTERM").isTrue();
        }
        Thread.sleep(200);
        List<String> logged = all.stream().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertThat(logged).isNotEmpty().allSatisfy(line -> assertThat(line).matches(TEXT_LINE));
        assertThat(logged).anySatisfy(line -> assertThat(line).contains(" INFO  [").contains("Scanout is serving"));
    }

    /** {@code scanout serve --config FILE ARGS…} in a JVM of its own, with the main classpath only. */
    private static Process serve(Path config, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "-cp", mainClasspath(), Main.class.getName(),
                "serve", "--config", config.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("SCANOUT_LOG_LEVEL");
        return builder.start();
    }

    /** This JVM's classpath without test classes and test jars (their logback-test.xml would win). */
    static String mainClasspath() {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).doesNotContain("test-classes");
        return classpath;
    }

    private static void read(Process process, BlockingQueue<String> lines, List<String> all) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(line -> {
                    all.add(line);
                    lines.add(line);
                });
            } catch (IOException e) {
                lines.add("reader failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    private static void awaitAtLeast(AtomicInteger count, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static void hangUp(Process process) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
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
