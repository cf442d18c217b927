package io.scanout.capture.vfio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Compiles a tiny C program against installed kernel headers and reads back what the compiler
 * says: {@code sizeof}, {@code offsetof} and the value of macros. A test holds those against
 * the Java definitions. Skips (with the reason) where gcc or a header is missing.
 */
public final class HeaderProbe {
    private final List<String> includes = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    /** Skips the calling test unless gcc and every header exist. */
    public static HeaderProbe requiring(String... headers) {
        Assumptions.assumeTrue(gccWorks(), "gcc is not installed: struct layouts cannot be checked against the"
                + " kernel headers here (apt-get install gcc)");
        HeaderProbe probe = new HeaderProbe();
        for (String header : headers) {
            Path path = Path.of("/usr/include", header);
            Assumptions.assumeTrue(Files.exists(path), path + " is missing: install the package that ships it"
                    + " (linux-libc-dev for linux/*.h, libdrm-dev for drm/*.h)");
            probe.includes.add(header);
        }
        return probe;
    }

    private static boolean gccWorks() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Asks for {@code sizeof(struct name)} under the key {@code sizeof name}. */
    public HeaderProbe sizeOf(String struct) {
        return add("sizeof " + struct, "sizeof(struct " + struct + ")");
    }

    /** Asks for {@code offsetof(struct name, field)} under {@code offsetof name.field}. */
    public HeaderProbe offsetOf(String struct, String field) {
        return add("offsetof " + struct + "." + field, "offsetof(struct " + struct + ", " + field + ")");
    }

    /** Asks for a macro's (or any expression's) value under its own text. */
    public HeaderProbe value(String expression) {
        return add(expression, expression);
    }

    private HeaderProbe add(String key, String expression) {
        keys.add(key);
        lines.add("    printf(\"%s=%llu\\n\", \"" + key + "\", (unsigned long long) (" + expression + "));");
        return this;
    }

    /** Compiles and runs the program; every key asked for, with the compiler's answer. */
    public Map<String, Long> run(Path workDir) throws IOException, InterruptedException {
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include <sys/ioctl.h>\n");
        for (String include : includes) {
            c.append("#include <").append(include).append(">\n");
        }
        c.append("int main(void) {\n");
        lines.forEach(l -> c.append(l).append('\n'));
        c.append("    return 0;\n}\n");
        Path source = workDir.resolve("probe.c");
        Path binary = workDir.resolve("probe");
        Files.writeString(source, c);
        Process gcc = new ProcessBuilder("gcc", "-std=gnu11", "-Wall", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gcc.exitValue()).as("gcc failed:\n%s\n%s", gccOut, c).isZero();
        Process run = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.lastIndexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), Long.parseUnsignedLong(line.substring(eq + 1)));
            }
        }
        assertThat(values.keySet()).containsExactlyElementsOf(keys);
        return values;
    }
}
