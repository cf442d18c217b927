package io.scanout.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Codec;
import io.scanout.encode.EncoderChoice;
import io.scanout.server.ServerSettings;
import io.scanout.server.StreamSettings;
import io.scanout.transport.ViewerLimits;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code scanout serve} with no arguments is what the README's quick start promises: the test
 * pattern at 1280x720, 30 fps, on 127.0.0.1:8080 as stream {@code main}, encoder {@code auto} at 4
 * Mbit/s. Checked from the parsed command line; nothing is started or bound.
 */
class ServeDefaultsTest {
    private static ServerSettings settingsOf(String... args) {
        CommandLine.ParseResult parsed = ScanoutCommand.commandLine().parseArgs(args);
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
        return ((ServeCommand) parsed.subcommand().commandSpec().userObject()).checkedSettings();
    }

    @Test
    void serveWithNoArgumentsStreamsTheTestPatternOnLoopback() {
        ServerSettings settings = settingsOf("serve");

        assertThat(settings.bind()).isEqualTo(new BindAddress("127.0.0.1", 8080));
        assertThat(settings.streams()).hasSize(1);
        StreamSettings stream = settings.streams().get(0);
        assertThat(stream.id()).isEqualTo("main");
        assertThat(stream.source()).isEqualTo("synthetic:1280x720@30");
        assertThat(stream.encoder().encoder()).isEqualTo(EncoderChoice.AUTO);
        assertThat(stream.encoder().codec()).isEqualTo(Codec.H264);
        assertThat(stream.encoder().bitrate()).isEqualTo(4_000_000L);
        assertThat(stream.encoder().keyframeIntervalFrames()).isEqualTo(120);
        assertThat(stream.encoder().intraRefresh()).isFalse();
        assertThat(stream.input()).as("input is opt-in").isFalse();
        assertThat(stream.push()).isEmpty();
        assertThat(stream.viewerLimits()).isEqualTo(ViewerLimits.defaults());
        assertThat(settings.vnc().bind()).as("no VNC server unless asked").isEmpty();
    }

    @Test
    void eachDefaultIsTheOneAnExplicitValueWouldGive() {
        // The defaults are parsed like typed values: spelling them out changes nothing.
        ServerSettings spelledOut = settingsOf("serve", "--source", "synthetic:1280x720@30", "--bind", "127.0.0.1:8080",
                "--stream", "main", "--encoder", "auto", "--bitrate", "4M", "--keyframe-interval", "120");
        ServerSettings defaults = settingsOf("serve");
        assertThat(spelledOut.bind()).isEqualTo(defaults.bind());
        assertThat(spelledOut.streams()).isEqualTo(defaults.streams());
        assertThat(spelledOut.vnc()).isEqualTo(defaults.vnc());
        assertThat(settingsOf("serve", "--bitrate", "3M").streams().get(0).encoder().bitrate()).isEqualTo(3_000_000L);
    }
}
