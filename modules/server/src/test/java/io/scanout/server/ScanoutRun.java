package io.scanout.server;

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
}
