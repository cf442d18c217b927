package io.scanout.server.cli;

import static io.scanout.server.cli.SettingsParsing.assertGoesInTheConfigFile;
import static io.scanout.server.cli.SettingsParsing.streamOf;
import static io.scanout.server.cli.SettingsParsing.streamOfYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Rect;
import io.scanout.encode.YuvColour;
import io.scanout.server.ScanoutRun;
import io.scanout.server.StreamSettings;
import io.scanout.server.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator's picture controls — {@code --colour}/{@code colour:}, {@code --keep-alive}/
 * {@code keep-alive:}, {@code --crop}/{@code crop:} — from the command line and the config file:
 * what each value gives, and that a wrong one is one clear line (exit 2) or names file, line and key.
 */
class StreamOptionsTest {
    @Test
    void defaultsAreBt709LimitedAOneSecondKeepAliveAndNoCrop() {
        StreamSettings stream = streamOf("serve");
        assertThat(stream.encoder().colour()).isEqualTo(YuvColour.BT709_LIMITED);
        assertThat(stream.keepAlive()).isEqualTo(Duration.ofSeconds(1));
        assertThat(stream.crop()).isEmpty();
        assertThat(streamOfYaml("")).extracting(StreamSettings::keepAlive, StreamSettings::crop, s -> s.encoder().colour())
                .containsExactly(Duration.ofSeconds(1), Optional.empty(), YuvColour.BT709_LIMITED);
    }

    @Test
    void theCommandLineSetsEach() {
        StreamSettings stream = streamOf("serve", "--colour", "bt601-full", "--keep-alive", "0", "--crop",
                "640x360+10+20");
        assertThat(stream.encoder().colour()).isEqualTo(YuvColour.BT601_FULL);
        assertThat(stream.keepAlive()).isZero();
        assertThat(stream.crop()).contains(new Rect(10, 20, 640, 360));
        assertThat(streamOf("serve", "--keep-alive", "250ms").keepAlive()).isEqualTo(Duration.ofMillis(250));
        assertThat(streamOf("serve", "--keep-alive", "2m").keepAlive()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theConfigFileSetsEach() {
        StreamSettings stream = streamOfYaml("    colour: bt709-full\n    keep-alive: 5s\n    crop: 32x16+0+8\n");
        assertThat(stream.encoder().colour()).isEqualTo(YuvColour.BT709_FULL);
        assertThat(stream.keepAlive()).isEqualTo(Duration.ofSeconds(5));
        assertThat(stream.crop()).contains(new Rect(0, 8, 32, 16));
    }

    @ParameterizedTest
    @Timeout(30) // a value wrongly accepted would start a server that runs until interrupted
    @CsvSource(delimiter = '|', value = {
        "--colour=bt2020-limited   | bt709-limited, bt709-full, bt601-limited or bt601-full",
        "--colour=bt709            | 'bt709'",
        "--keep-alive=soon         | keep-alive",
        "--keep-alive=5            | needs a unit",
        "--keep-alive=2h           | keep-alive",
        "--keep-alive=61m          | longer than an hour",
        "--crop=640x360            | WxH+X+Y",
        "--crop=0x360+0+0          | empty",
        "--crop=-1x2+0+0           | WxH+X+Y",
    })
    void aBadValueIsOneLineAndExitCode2(String argument, String mentioned) {
        assertThat(ScanoutRun.of("serve", argument).usageErrorLine()).contains(mentioned);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "colour: bt2020        | scanout.yaml:4: streams.vm1.colour: a colour is",
        "keep-alive: forever   | scanout.yaml:4: streams.vm1.keep-alive: a keep-alive is",
        "keep-alive: [1s]      | scanout.yaml:4: streams.vm1.keep-alive: should be a single value",
        "crop: 10x10           | scanout.yaml:4: streams.vm1.crop: a crop is WxH+X+Y",
        "crop: 0x10+0+0        | scanout.yaml:4: streams.vm1.crop: crop 0x10+0+0 is empty",
        "colur: bt601-full     | scanout.yaml:4: streams.vm1.colur: unknown key",
    })
    void aBadConfigValueNamesFileLineAndKey(String line, String prefix) {
        // line: a key of stream vm1, indented under it here (CSV values lose their leading spaces)
        assertThatThrownBy(() -> streamOfYaml("    " + line.strip() + "\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(prefix.strip());
    }

    @Test
    void withAConfigFileTheOptionsBelongInIt(@TempDir Path dir) throws Exception {
        for (String option : new String[] {"--colour=bt601-full", "--keep-alive=0", "--crop=8x8+0+0"}) {
            assertGoesInTheConfigFile(dir, option);
        }
    }
}
