package io.scanout.server.cli;

import static io.scanout.server.cli.SettingsParsing.assertGoesInTheConfigFile;
import static io.scanout.server.cli.SettingsParsing.streamOf;
import static io.scanout.server.cli.SettingsParsing.streamOfYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.server.ScanoutRun;
import io.scanout.server.StreamSettings;
import io.scanout.server.config.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --damage-roi on|off} and {@code damage-roi:}: damage as regions of interest for the encoder. */
class DamageRoiOptionTest {
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
        assertThat(ScanoutRun.of("serve", "--damage-roi=maybe").usageErrorLine()).contains("on or off", "'maybe'");
    }

    @Test
    void aBadConfigValueNamesFileLineAndKey() {
        assertThatThrownBy(() -> streamOfYaml("    damage-roi: sometimes\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("scanout.yaml:4: streams.vm1.damage-roi: should be true or false");
    }

    @Test
    void withAConfigFileTheOptionBelongsInIt(@TempDir Path dir) throws Exception {
        assertGoesInTheConfigFile(dir, "--damage-roi=off");
    }
}
