package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.encode.EncoderSettings;
import io.scanout.server.config.ConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.scanout.server.cli.BindAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;

/** Reloading adds and removes streams while a viewer of an untouched stream keeps watching. */
class ReloadTest {
    private static StreamSettings stream(String id, String source) {
        return new StreamSettings(id, source, EncoderSettings.builder().build());
    }

    private static ServerSettings settings(StreamSettings... streams) {
        return new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(streams));
    }

    @Test
    void untouchedStreamsKeepTheirViewersAcrossAReload() throws InterruptedException {
        StreamSettings a = stream("a", "synthetic:160x120@30");
        StreamSettings b = stream("b", "synthetic:160x120@30");
        try (ScanoutServer server = ScanoutServer.start(settings(a, b))) {
            AtomicLong messages = new AtomicLong();
            Disposable viewer = HttpClient.create().websocket().uri("ws://127.0.0.1:" + server.port() + "/streams/a")
                    .handle((in, out) -> in.receive().asByteArray()).subscribe(m -> messages.incrementAndGet());
            try {
                awaitAtLeast(messages, 5);
                ReloadReport report = server.reload(settings(a, stream("c", "synthetic:160x120@10"),
                        stream("b2", "synthetic:96x96@5")));
                assertThat(report.unchanged()).containsExactly("a");
                assertThat(report.added()).containsExactly("c", "b2");
                assertThat(report.removed()).containsExactly("b");
                assertThat(server.meterRegistry().find("scanout.frames.captured").tag("stream", "b").counters())
                        .as("a removed stream's series end").isEmpty();
                long before = messages.get();
                awaitAtLeast(messages, before + 10);
                assertThat(viewer.isDisposed()).as("the viewer of 'a' was not disconnected").isFalse();

                ReloadReport changed = server.reload(settings(stream("a", "synthetic:160x120@15"),
                        stream("c", "synthetic:160x120@10")));
                assertThat(changed.restarted()).containsExactly("a");
                assertThat(server.meterRegistry().get("scanout.viewers").tag("stream", "a").gauge().value())
                        .as("the restarted stream's viewers gauge is its own").isZero();
                assertThat(changed.removed()).containsExactly("b2");

                assertThatThrownBy(() -> server.reload(settings(stream("c", "synthetic:160x120@10"),
                        stream("d", "bogus:thing")))).hasMessageContaining("bogus");
                assertThat(get(server, "/streams"))
                        .as("a failed reload changes nothing").contains("\"id\":\"a\"").doesNotContain("\"id\":\"d\"");
            } finally {
                viewer.dispose();
            }
        }
    }

    @Test
    void postAdminReloadReReadsTheConfigFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("scanout.yaml");
        Files.writeString(file, "bind: 127.0.0.1:0\nstreams:\n  vm1:\n    source: synthetic:96x96@5\n");
        try (ScanoutServer server = ScanoutServer.start(ConfigFile.read(file))) {
            assertThat(post(server, "/admin/reload")).startsWith("409 ").contains("without --config");
            server.onReloadRequest(() -> ConfigFile.read(file));
            Files.writeString(file, "bind: 127.0.0.1:0\nstreams:\n  vm1:\n    source: synthetic:96x96@5\n"
                    + "  vm2:\n    source: synthetic:64x64@5\n");
            assertThat(post(server, "/admin/reload")).startsWith("200 ")
                    .contains("\"added\":[\"vm2\"]", "\"unchanged\":[\"vm1\"]");
            Files.writeString(file, "streams:\n  vm1:\n    source: synthetic:96x96@5\n    bitrate: lots\n");
            assertThat(post(server, "/admin/reload")).startsWith("400 ")
                    .contains("scanout.yaml:4: streams.vm1.bitrate:");
            assertThat(get(server, "/streams")).as("a bad file changes nothing").contains("\"id\":\"vm2\"");
        }
    }

    private static String post(ScanoutServer server, String path) {
        return HttpClient.create().post().uri("http://127.0.0.1:" + server.port() + path)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> response.status().code() + " " + text))
                .block(Duration.ofSeconds(30));
    }

    private static String get(ScanoutServer server, String path) {
        return HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + path)
                .responseContent().aggregate().asString().block(Duration.ofSeconds(10));
    }

    private static void awaitAtLeast(AtomicLong counter, long value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (counter.get() < value) {
            assertThat(System.nanoTime()).as("waited for %d messages, got %d", value, counter.get()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
