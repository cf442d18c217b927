package io.scanout.server.cli;

import java.util.function.Supplier;
import picocli.CommandLine;

/** Turns a parser's complaint into picocli's, so the user reads the complaint and not a Java class name. */
final class Converters {
    private Converters() {
    }

    static <T> T clearly(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
