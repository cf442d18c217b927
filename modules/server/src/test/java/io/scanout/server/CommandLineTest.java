package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.server.cli.ScanoutCommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** A wrong command-line value is one clear line on stderr and exit code 2, before anything starts. */
class CommandLineTest {
    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cli = ScanoutCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @ParameterizedTest
    @Timeout(30) // a value wrongly accepted would start a server that runs until interrupted
    @CsvSource(delimiter = '|', value = {
        "--bitrate=fast             | bitrate",
        "--bitrate=1k               | bitrate",
        "--bind=localhost           | HOST:PORT",
        "--bind=127.0.0.1:99999     | 65535",
        "--encoder=quantum          | quantum",
        "--stream=a/b               | stream id",
        "--source=bogus:thing       | bogus",
        "--source=synthetic:0x0@30  | synthetic:0x0@30",
        "--source=synthetic:640x480@1000 | frame rate 1000",
        "--keyframe-interval=0      | keyframe-interval",
        "--no-such-option           | --no-such-option",
        "--max-size=wide            | WIDTHxHEIGHT",
        "--codec=mpeg2              | mpeg2",
    })
    void aBadValueIsOneLineAndExitCode2(String argument, String mentioned) {
        int code = run("serve", argument);
        assertThat(code).isEqualTo(2);
        String message = err.toString().strip();
        assertThat(message.lines()).hasSize(1);
        assertThat(message).startsWith("scanout: ").containsIgnoringCase(mentioned).doesNotContain("java.");
    }

    @Test
    @Timeout(30)
    void maxSizeAndSizeTogetherAreAUsageError() {
        assertThat(run("serve", "--max-size=640x360", "--size=320x180")).isEqualTo(2);
        assertThat(err.toString()).contains("not both");
    }

    @Test
    @Timeout(30)
    void anEncoderAndCodecThatDoNotGoTogetherAreAUsageError() {
        assertThat(run("serve", "--encoder=x264", "--codec=vp9")).isEqualTo(2);
        assertThat(err.toString()).contains("x264").contains("vp9");
    }

    @Test
    void probeListsTheEncodersAndWhyOthersDoNotOpen() {
        assertThat(run("probe", "--size", "320x240")).isZero();
        assertThat(out.toString().lines()).anySatisfy(l -> assertThat(l).matches("libx264 +h264 +software +yes +yes.*"))
                .anySatisfy(l -> assertThat(l).matches("libvpx-vp9 +vp9 +software +yes +yes.*"))
                .anySatisfy(l -> assertThat(l).startsWith("render nodes: "));
        if (!Files.exists(Path.of("/dev/dri/renderD128"))) {
            assertThat(out.toString()).contains("h264_vaapi").contains("no /dev/dri/renderD128");
        }
    }

    @Test
    void helpListsTheOptions() {
        assertThat(run("serve", "--help")).isZero();
        assertThat(out.toString()).contains("--source", "--encoder", "--bitrate", "--bind", "--stream");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("serve");
    }
}
