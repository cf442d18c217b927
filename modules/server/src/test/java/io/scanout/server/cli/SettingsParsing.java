package io.scanout.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.server.ScanoutRun;
import io.scanout.server.StreamSettings;
import io.scanout.server.config.ConfigFile;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * For tests of a stream setting's option and config key: the settings {@code serve} would run with,
 * from its command line or from a config file, parsed but nothing started or bound.
 */
public final class SettingsParsing {
    /** A config file with one stream, {@code vm1}, of the 64x64 test pattern; its keys go on line 4 on. */
    public static final String ONE_STREAM_YAML = "streams:\n  vm1:\n    source: synthetic:64x64@5\n";

    private SettingsParsing() {
    }

    /** The one stream's settings from {@code scanout ARGS} (ARGS starting with {@code serve}). */
    public static StreamSettings streamOf(String... args) {
        CommandLine.ParseResult parsed = ScanoutCommand.commandLine().parseArgs(args);
        return ((ServeCommand) parsed.subcommand().commandSpec().userObject()).checkedSettings().streams().get(0);
    }

    /**
     * Stream {@code vm1}'s settings from {@link #ONE_STREAM_YAML} followed by {@code extra} (its own
     * keys, indented four spaces), read as {@code scanout.yaml}.
     */
    public static StreamSettings streamOfYaml(String extra) {
        return ConfigFile.parse("scanout.yaml", new StringReader(ONE_STREAM_YAML + extra)).streams().get(0);
    }

    /**
     * Runs {@code scanout serve --config FILE OPTION} with {@link #ONE_STREAM_YAML} written to a file
     * in {@code dir}: for checking that an option which the config file has a key for is refused there.
     */
    public static ScanoutRun serveWithConfigFileAnd(Path dir, String option) throws IOException {
        Path config = Files.writeString(dir.resolve("scanout.yaml"), ONE_STREAM_YAML);
        return ScanoutRun.of("serve", "--config", config.toString(), option);
    }

    /**
     * Asserts that {@code option} ({@code --name=value}) given with a config file is a usage error
     * (exit 2) saying that {@code --name} goes in the config file.
     */
    public static void assertGoesInTheConfigFile(Path dir, String option) throws IOException {
        ScanoutRun run = serveWithConfigFileAnd(dir, option);
        assertThat(run.exitCode()).as("exit code of %s with --config", option).isEqualTo(ScanoutCommand.EXIT_USAGE);
        assertThat(run.err()).contains(option.substring(0, option.indexOf('=')) + " goes in the config file");
    }
}
