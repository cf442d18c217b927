package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A wrong command-line value is one clear line on stderr and exit code 2, before anything starts. */
class CommandLineTest {
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
        assertThat(ScanoutRun.of("serve", argument).usageErrorLine()).containsIgnoringCase(mentioned);
    }

    @Test
    @Timeout(30)
    void maxSizeAndSizeTogetherAreAUsageError() {
        ScanoutRun run = ScanoutRun.of("serve", "--max-size=640x360", "--size=320x180");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("not both");
    }

    @Test
    @Timeout(30)
    void anEncoderAndCodecThatDoNotGoTogetherAreAUsageError() {
        ScanoutRun run = ScanoutRun.of("serve", "--encoder=x264", "--codec=vp9");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("x264").contains("vp9");
    }

    @Test
    void probeListsTheEncodersAndWhyOthersDoNotOpen() {
        ScanoutRun run = ScanoutRun.of("probe", "--size", "320x240");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).anySatisfy(l -> assertThat(l).matches("libx264 +h264 +software +yes +yes.*"))
                .anySatisfy(l -> assertThat(l).matches("libvpx-vp9 +vp9 +software +yes +yes.*"))
                .anySatisfy(l -> assertThat(l).startsWith("render nodes: "));
        if (!Files.exists(Path.of("/dev/dri/renderD128"))) {
            assertThat(run.out()).contains("h264_vaapi").contains("no /dev/dri/renderD128");
        }
    }

    @Test
    void helpListsTheOptions() {
        ScanoutRun run = ScanoutRun.of("serve", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--source", "--encoder", "--bitrate", "--bind", "--stream");
    }

    @Test
    void noCommandIsAUsageError() {
        ScanoutRun run = ScanoutRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("serve");
    }
}
