package io.scanout.server.cli;

import static io.scanout.server.cli.SettingsParsing.assertGoesInTheConfigFile;
import static io.scanout.server.cli.SettingsParsing.streamOf;
import static io.scanout.server.cli.SettingsParsing.streamOfYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.encode.BitDepth;
import io.scanout.server.ScanoutRun;
import io.scanout.server.StreamSettings;
import io.scanout.server.config.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --bit-depth} / {@code bit-depth:}: what each value gives, that a wrong one is one clear
 * line (exit 2) or names file, line and key, and that 10 bits with an encoder that encodes 8 only
 * is refused at start-up with a message naming it.
 */
class BitDepthOptionTest {
    @Test
    void autoUnlessToldOtherwise() {
        assertThat(streamOf("serve").encoder().bitDepth()).isEqualTo(BitDepth.AUTO);
        assertThat(streamOfYaml("").encoder().bitDepth()).isEqualTo(BitDepth.AUTO);
    }

    @Test
    void theOptionAndTheConfigKeySetIt() {
        assertThat(streamOf("serve", "--bit-depth", "10", "--encoder", "x265").encoder().bitDepth())
                .isEqualTo(BitDepth.TEN);
        assertThat(streamOf("serve", "--bit-depth=8").encoder().bitDepth()).isEqualTo(BitDepth.EIGHT);
        assertThat(streamOfYaml("    bit-depth: 10\n").encoder().bitDepth()).isEqualTo(BitDepth.TEN);
        assertThat(streamOfYaml("    bit-depth: auto\n").encoder().bitDepth()).isEqualTo(BitDepth.AUTO);
    }

    @Test
    @Timeout(30)
    void aBadValueIsOneLineAndExitCode2() {
        assertThat(ScanoutRun.of("serve", "--bit-depth=12").usageErrorLine())
                .contains("a bit depth is auto, 8 or 10, not '12'");
    }

    @Test
    void aBadConfigValueNamesFileLineAndKey() {
        assertThatThrownBy(() -> streamOfYaml("    bit-depth: 16\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("scanout.yaml:4: streams.vm1.bit-depth: a bit depth is auto, 8 or 10");
    }

    @Test
    @Timeout(60) // a value wrongly accepted would start a server that runs until interrupted
    void tenBitsWithAnEncoderThatEncodesEightOnlyIsRefusedAtStartUpNamingIt() {
        ScanoutRun run = ScanoutRun.of("serve", "--bind", "127.0.0.1:0", "--encoder", "vp9", "--bit-depth", "10");
        assertThat(run.exitCode()).isEqualTo(ScanoutCommand.EXIT_USAGE);
        assertThat(run.err().strip()).startsWith("scanout: ")
                .contains("libvpx-vp9: encodes 8 bits only in this FFmpeg build, and --bit-depth 10 asks for 10")
                .doesNotContain("java.");
    }

    @Test
    void withAConfigFileTheOptionBelongsInIt(@TempDir Path dir) throws Exception {
        assertGoesInTheConfigFile(dir, "--bit-depth=10");
    }
}
