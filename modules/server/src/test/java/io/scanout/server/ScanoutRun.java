package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.server.cli.ScanoutCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of the {@code scanout} command line in this JVM, as {@code Main} runs it, with what it
 * wrote to stdout and stderr: for tests of its answers to good and bad arguments.
 *
 * @param exitCode the code {@code Main} would exit with
 * @param out      what it printed on stdout
 * @param err      what it printed on stderr
 */
public record ScanoutRun(int exitCode, String out, String err) {
    /** Runs {@code scanout ARGS}. */
    public static ScanoutRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ScanoutCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new ScanoutRun(exitCode, out.toString(), err.toString());
    }

    /**
     * Asserts that this run was refused as a usage error the way every bad value is: exit code 2
     * and one line on stderr, {@code scanout: …}, with no Java class or stack trace in it.
     *
     * @return that line, for the test to check what it names
     */
    public String usageErrorLine() {
        assertThat(exitCode).as("exit code; stderr: %s", err).isEqualTo(ScanoutCommand.EXIT_USAGE);
        String message = err.strip();
        assertThat(message.lines()).as("stderr").hasSize(1);
        assertThat(message).startsWith("scanout: ").doesNotContain("java.");
        return message;
    }
}
