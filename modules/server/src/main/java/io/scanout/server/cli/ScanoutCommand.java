package io.scanout.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code scanout} command; the work is in its subcommands. */
@Command(name = "scanout", mixinStandardHelpOptions = true, versionProvider = ScanoutVersion.class,
        description = "Streams a machine's display through a video encoder to remote viewers.",
        subcommands = {ServeCommand.class, StatusCommand.class, ProbeCommand.class, RegionProducerCommand.class,
                SignCommand.class, CommandLine.HelpCommand.class})
public final class ScanoutCommand implements Runnable {
    /** Exit code for a command line Scanout cannot use: a wrong option or value. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. 'scanout serve'");
    }

    /** The command line with Scanout's error handling: a bad value is one line on stderr and exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ScanoutCommand());
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("scanout: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            return EXIT_USAGE;
        });
        return cli;
    }
}
