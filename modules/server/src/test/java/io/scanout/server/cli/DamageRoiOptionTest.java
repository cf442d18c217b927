package io.scanout.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.server.ScanoutRun;
import io.scanout.server.StreamSettings;
import io.scanout.server.config.ConfigException;
import io.scanout.server.config.ConfigFile;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --damage-roi on|off} and {@code damage-roi:}: damage as regions of interest for the encoder. */
class DamageRoiOptionTest {
    private static StreamSettings streamOf(String... args) {
        CommandLine.ParseResult parsed = ScanoutCommand.commandLine().parseArgs(args);
        return ((ServeCommand) parsed.subcommand().commandSpec().userObject()).checkedSettings().streams().get(0);
    }

    private static StreamSettings streamOfYaml(String extra) {
        return ConfigFile.parse("scanout.yaml", new StringReader(
                "streams:\n  vm1:\n    source: synthetic:64x64@5\n" + extra)).streams().get(0);
    }

    @Test
    void onByDefaultAndOffWhenAsked() {
        assertThat(streamOf("serve").encoder().damageRoi()).isTrue();
        assertThat(streamOf("serve", "--damage-roi", "off").encoder().damageRoi()).isFalse();
        assertThat(streamOf("serve", "--damage-roi=on").encoder().damageRoi()).isTrue();
        assertThat(streamOfYaml("").encoder().damageRoi()).isTrue();
        assertThat(streamOfYaml("    damage-roi: off\n").encoder().damageRoi()).isFalse();
        assertThat(streamOfYaml("    damage-roi: false\n").encoder().damageRoi()).isFalse();
        assertThat(streamOfYaml("    damage-roi: on\n").encoder().damageRoi()).isTrue();
    }

    @Test
    @Timeout(30) // a value wrongly accepted would start a server that runs until interrupted
    void aBadValueIsOneLineAndExitCode2() {
        ScanoutRun run = ScanoutRun.of("serve", "--damage-roi=maybe");

        assertThat(run.exitCode()).isEqualTo(ScanoutCommand.EXIT_USAGE);
        String message = run.err().strip();
        assertThat(message.lines()).hasSize(1);
        assertThat(message).startsWith("scanout: ").contains("on or off", "'maybe'").doesNotContain("java.");
    }

    @Test
    void aBadConfigValueNamesFileLineAndKey() {
        assertThatThrownBy(() -> streamOfYaml("    damage-roi: sometimes\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("scanout.yaml:4: streams.vm1.damage-roi: should be true or false");
    }

    @Test
    void withAConfigFileTheOptionBelongsInIt(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("scanout.yaml"),
                "streams:\n  vm1:\n    source: synthetic:64x64@5\n");

        ScanoutRun run = ScanoutRun.of("serve", "--config", config.toString(), "--damage-roi=off");

        assertThat(run.exitCode()).isEqualTo(ScanoutCommand.EXIT_USAGE);
        assertThat(run.err()).contains("--damage-roi goes in the config file");
    }
}
