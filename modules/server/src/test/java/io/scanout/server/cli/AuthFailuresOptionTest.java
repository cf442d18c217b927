package io.scanout.server.cli;

import static io.scanout.server.cli.SettingsParsing.assertGoesInTheConfigFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.server.ScanoutRun;
import io.scanout.server.config.ConfigException;
import io.scanout.server.config.ConfigFile;
import io.scanout.transport.security.AuthThrottle.Policy;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --auth-failures N}, {@code --auth-block DURATION} and their {@code security:} keys. */
class AuthFailuresOptionTest {
    private static Policy policyOf(String... args) {
        CommandLine.ParseResult parsed = ScanoutCommand.commandLine().parseArgs(args);
        return ((ServeCommand) parsed.subcommand().commandSpec().userObject()).checkedSettings().security()
                .authFailures();
    }

    private static Policy policyOfYaml(String security) {
        return ConfigFile.parse("scanout.yaml", new StringReader(SettingsParsing.ONE_STREAM_YAML + "security:\n"
                + security)).security().authFailures();
    }

    @Test
    void fiveFailuresAndTenSecondsByDefault() {
        assertThat(policyOf("serve")).isEqualTo(Policy.DEFAULT);
        assertThat(policyOfYaml("  public-metrics: no\n")).isEqualTo(Policy.DEFAULT);
        assertThat(Policy.DEFAULT).isEqualTo(new Policy(5, Duration.ofSeconds(10), Duration.ofMinutes(10)));
    }

    @Test
    void theOptionsAndKeysSetThresholdAndFirstBlock() {
        assertThat(policyOf("serve", "--auth-failures", "3", "--auth-block", "1m"))
                .isEqualTo(Policy.of(3, Duration.ofMinutes(1)));
        assertThat(policyOf("serve", "--auth-failures=0").enabled()).isFalse();
        assertThat(policyOfYaml("  auth-failures: 8\n  auth-block: 30s\n")).isEqualTo(Policy.of(8, Duration.ofSeconds(30)));
        assertThat(policyOfYaml("  auth-failures: 0\n").enabled()).isFalse();
        assertThat(policyOfYaml("  auth-block: 2m\n")).isEqualTo(Policy.of(5, Duration.ofMinutes(2)));
    }

    @Test
    @Timeout(30) // a value wrongly accepted would start a server that runs until interrupted
    void badValuesAreOneLineUsageErrors() {
        assertThat(ScanoutRun.of("serve", "--auth-block", "soon").usageErrorLine())
                .contains("a duration like 10s, 1m or 1h", "'soon'");
        assertThat(ScanoutRun.of("serve", "--auth-block", "0s").usageErrorLine()).contains("from 1 s to 600 s");
        assertThat(ScanoutRun.of("serve", "--auth-failures", "-1").usageErrorLine()).contains("0 (off) to 1000");
    }

    @Test
    void badConfigValuesNameFileLineAndKey() {
        assertThatThrownBy(() -> policyOfYaml("  auth-failures: many\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("scanout.yaml:5: security.auth-failures: should be a whole number");
        assertThatThrownBy(() -> policyOfYaml("  auth-block: 1d\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("scanout.yaml:5: security.auth-block: an authentication block is a duration");
        assertThatThrownBy(() -> policyOfYaml("  auth-block: 20m\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.auth-block").hasMessageContaining("not 1200 s");
    }

    @Test
    @Timeout(30)
    void withAConfigFileTheyGoInItsSecuritySection(@TempDir Path dir) throws Exception {
        assertGoesInTheConfigFile(dir, "--auth-failures=3");
        assertGoesInTheConfigFile(dir, "--auth-block=1m");
    }
}
