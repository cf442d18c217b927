package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.scanout.convert.Scaling;
import io.scanout.encode.EncoderChoice;
import io.scanout.server.config.ConfigException;
import io.scanout.server.config.ConfigFile;
import io.scanout.transport.ViewerLimits;
import io.scanout.server.cli.ScanoutCommand;
import io.scanout.transport.security.BearerToken;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigFileTest {
    private static ServerSettings parse(String yaml) {
        return ConfigFile.parse("scanout.yaml", new StringReader(yaml));
    }

    @Test
    void readsManyStreams() {
        ServerSettings settings = parse("""
                bind: 127.0.0.1:9090
                streams:
                  vm1:
                    source: synthetic:640x480@30
                  vm2:
                    source: synthetic:320x240@15?format=RG16
                    encoder: openh264
                    bitrate: 800k
                    keyframe-interval: 60
                    viewer-queue-packets: 120
                    viewer-queue-bytes: 16M
                    max-size: 160x90
                """);
        assertThat(settings.bind().port()).isEqualTo(9090);
        assertThat(settings.streams()).extracting(StreamSettings::id).containsExactly("vm1", "vm2");
        StreamSettings vm2 = settings.streams().get(1);
        assertThat(vm2.encoder().encoder()).isEqualTo(EncoderChoice.OPENH264);
        assertThat(vm2.encoder().bitrate()).isEqualTo(800_000);
        assertThat(vm2.encoder().keyframeIntervalFrames()).isEqualTo(60);
        assertThat(vm2.viewerLimits().maxQueuedPackets()).isEqualTo(120);
        assertThat(vm2.scaling()).isEqualTo(Scaling.fitInside(160, 90));
        assertThat(settings.streams().get(0).scaling()).isEqualTo(Scaling.none());
        assertThat(vm2.viewerLimits().maxQueuedBytes()).isEqualTo(16L << 20);
        assertThat(settings.streams().get(0).viewerLimits()).isEqualTo(ViewerLimits.defaults());
        assertThat(settings.streams().get(0).encoder().encoder()).isEqualTo(EncoderChoice.AUTO);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // yaml (\\n for new lines)                                      | the message starts with
        "streams:\\n  vm1:\\n    source: synthetic:640x480@30\\n    bitrat: 4M | scanout.yaml:4: streams.vm1.bitrat: unknown key",
        "streams:\\n  vm1:\\n    source: synthetic:640x480@30\\n    bitrate: fast | scanout.yaml:4: streams.vm1.bitrate: ",
        "streams:\\n  vm1:\\n    encoder: x264                     | scanout.yaml:2: streams.vm1: has no 'source'",
        "streams:\\n  vm1:\\n    source: nothing-here               | scanout.yaml:3: streams.vm1.source: ",
        "bind: localhost\\nstreams:\\n  a:\\n    source: synthetic:64x64@5 | scanout.yaml:1: bind: ",
        "streams:\\n  a b:\\n    source: synthetic:64x64@5         | scanout.yaml:2: streams.a b: a stream id",
        "streams:\\n  a:\\n    source: x\\n  a:\\n    source: y      | scanout.yaml:",
        "bind: 127.0.0.1:1                                           | scanout.yaml:1: streams: is missing",
        "streams: [1, 2                                              | scanout.yaml:",
        "streams:\\n  vm1:\\n    source: synthetic:64x64@5\\n    keyframe-interval: 0 | scanout.yaml:4: streams.vm1.keyframe-interval: ",
        "streams:\\n  vm1:\\n    source: synthetic:64x64@5\\n    viewer-queue-bytes: 9T | scanout.yaml:4: streams.vm1.viewer-queue-bytes: a size",
        "streams:\\n  vm1:\\n    source: synthetic:64x64@5\\n    viewer-queue-packets: 1 | scanout.yaml:4: streams.vm1.viewer-queue-packets: ",
        "vnc:\\n  bind: nowhere:x\\nstreams:\\n  a:\\n    source: synthetic:64x64@5 | scanout.yaml:2: vnc.bind: ",
        "vnc:\\n  port: 5900\\nstreams:\\n  a:\\n    source: synthetic:64x64@5 | scanout.yaml:2: vnc.port: unknown key",
        "vnc:\\n  stream: b\\nstreams:\\n  a:\\n    source: synthetic:64x64@5 | scanout.yaml:1: vnc.stream: the VNC server",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\n    push: http://example.com/x | scanout.yaml:4: streams.a.push: ",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\n    push:\\n      - rtmp://127.0.0.1/live/a\\n      - ftp://x | scanout.yaml:6: streams.a.push: ",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\n    push: {url: x} | scanout.yaml:4: streams.a.push: should be a URL or a list",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\n    max-size: 640x480\\n    size: 320x240 | scanout.yaml:5: streams.a.size: give max-size or size, not both",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\n    size: 0x240 | scanout.yaml:4: streams.a.size: ",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\n    encoder: x264\\n    codec: vp9 | scanout.yaml:2: streams.a: ",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\n  a:\\n    source: synthetic:64x64@5 | scanout.yaml:4: streams.a: is given twice",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\n    bitrate: 1M\\n    bitrate: 2M | scanout.yaml:5: streams.a.bitrate: is given twice",
        "streams:\\n  a:\\n    source: synthetic:64x64@5\\nsecurity:\\n  tokens:\\n    t: {scopes: view, file: t.token, streams: b} | scanout.yaml:6: security.tokens.t.streams: names no stream of this file: ",
    })
    void everyErrorNamesFileLineAndKey(String yaml, String prefix) {
        assertThatThrownBy(() -> parse(yaml.replace("\\n", "\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(prefix.strip());
    }

    @Test
    void serveWithABadConfigFileExitsWith2NamingFileLineAndKey(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "streams:\n  vm1:\n    source: synthetic:64x64@5\n"
                + "    bitrate: fast\n");
        ScanoutRun run = ScanoutRun.of("serve", "--config", bad.toString());

        assertThat(run.exitCode()).isEqualTo(ScanoutCommand.EXIT_USAGE);
        assertThat(run.err().strip().lines()).singleElement().asString()
                .startsWith("scanout: " + bad + ":4: streams.vm1.bitrate: ");
    }

    @Test
    void aTokenMayBeLimitedToStreams(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.token"), "token-0123456789abcdef");
        Path config = Files.writeString(dir.resolve("scanout.yaml"), """
                streams:
                  a:
                    source: synthetic:64x64@5
                  b:
                    source: synthetic:64x64@5
                security:
                  tokens:
                    t: { scopes: view, file: t.token, streams: "a, b" }
                    all: { scopes: view, file: t.token }
                """);
        ServerSettings settings = ConfigFile.read(config);
        assertThat(settings.security().tokens()).extracting(BearerToken::name, BearerToken::streams)
                .containsExactly(tuple("t", Set.of("a", "b")), tuple("all", Set.of()));
    }

    @Test
    void anEmptyFileSaysWhatIsMissing() {
        assertThatThrownBy(() -> parse("")).hasMessage("scanout.yaml:1: is empty; it needs at least a 'streams:' entry");
    }
}
