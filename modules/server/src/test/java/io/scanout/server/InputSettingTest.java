package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.server.config.ConfigFile;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream's {@code input} permission: off unless the config file or the command line asks. */
class InputSettingTest {
    private static StreamSettings only(String yaml) {
        return ConfigFile.parse("scanout.yaml", new StringReader(yaml)).streams().get(0);
    }

    @Test
    void inputIsOffUnlessAskedFor() {
        assertThat(only("streams:\n  vm1:\n    source: synthetic:64x64@5\n").input()).isFalse();
        assertThat(only("streams:\n  vm1:\n    source: synthetic:64x64@5\n    input: true\n").input()).isTrue();
        assertThat(only("streams:\n  vm1:\n    source: synthetic:64x64@5\n    input: off\n").input()).isFalse();
        assertThat(new StreamSettings("a", "synthetic:64x64@5", only("streams:\n  a:\n    source: synthetic:64x64@5\n")
                .encoder()).input()).isFalse();
    }

    @Test
    void aValueThatIsNotYesOrNoIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> only("streams:\n  vm1:\n    source: synthetic:64x64@5\n    input: maybe\n"))
                .hasMessageContaining("scanout.yaml:4: streams.vm1.input")
                .hasMessageContaining("should be true or false, not 'maybe'");
    }

    @Test
    void theFlagBelongsInTheFileWhenThereIsOne(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("scanout.yaml"), "streams:\n  vm1:\n    source: synthetic:64x64@5\n");
        ScanoutRun run = ScanoutRun.of("serve", "--config", config.toString(), "--input");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--input goes in the config file when --config is given");
    }
}
