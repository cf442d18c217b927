package io.scanout.server;

import io.scanout.server.cli.ScanoutCommand;
import java.util.Arrays;

/** {@code scanout}: the command line. Exit codes: 0 done, 1 failed while running, 2 bad command line. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        chooseLogFormat(args);
        System.exit(ScanoutCommand.commandLine().execute(args));
    }

    /**
     * Logback configures itself on the first logger, before picocli has parsed anything, so the
     * log format is picked from the raw arguments here; picocli still validates the value.
     */
    private static void chooseLogFormat(String[] args) {
        int i = Arrays.asList(args).indexOf("--log-format");
        boolean json = Arrays.asList(args).contains("--log-format=json") || i >= 0 && i + 1 < args.length
                && "json".equals(args[i + 1]);
        if (json && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
    }
}
