package io.scanout.server;

import static io.scanout.server.cli.SettingsParsing.serveWithConfigFileAnd;
import static io.scanout.server.cli.SettingsParsing.streamOfYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream's {@code input} permission: off unless the config file or the command line asks. */
class InputSettingTest {
    @Test
    void inputIsOffUnlessAskedFor() {
        assertThat(streamOfYaml("").input()).isFalse();
        assertThat(streamOfYaml("    input: true\n").input()).isTrue();
        assertThat(streamOfYaml("    input: off\n").input()).isFalse();
        assertThat(new StreamSettings("a", "synthetic:64x64@5", streamOfYaml("").encoder()).input()).isFalse();
    }

    @Test
    void aValueThatIsNotYesOrNoIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> streamOfYaml("    input: maybe\n"))
                .hasMessageContaining("scanout.yaml:4: streams.vm1.input")
                .hasMessageContaining("should be true or false, not 'maybe'");
    }

    @Test
    void theFlagBelongsInTheFileWhenThereIsOne(@TempDir Path dir) throws Exception {
        ScanoutRun run = serveWithConfigFileAnd(dir, "--input");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--input goes in the config file when --config is given");
    }
}
