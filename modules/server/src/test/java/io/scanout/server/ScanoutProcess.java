package io.scanout.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code scanout ARGS…} as its own process, started the way the launcher does ({@code java
 * --add-modules jdk.incubator.vector -cp … io.scanout.server.Main}), with its stdout and stderr
 * read line by line. {@link #close()} sends SIGTERM and waits for the exit.
 */
final class ScanoutProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    private ScanoutProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("reader failed: " + e);
            }
        }, "scanout-process-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static ScanoutProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new ScanoutProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** The first line (from here on) that contains {@code text}; fails with everything seen after 60 s. */
    String awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                if (!process.isAlive() && lines.isEmpty()) {
                    break;
                }
                continue;
            }
            seen.append(line).append('\n');
            if (line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no line with '" + text + "' (process " + (process.isAlive() ? "running" : "exited "
                + process.exitValue()) + "); saw:\n" + seen);
    }

    /** Everything it printed until it exits (at most 60 s), and its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("still running after 60 s; printed:\n" + output());
        }
        return process.exitValue();
    }

    /** What it printed so far. */
    String output() throws InterruptedException {
        Thread.sleep(100); // the reader thread's last lines
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        rest.forEach(l -> seen.append(l).append('\n'));
        return seen.toString();
    }

    /** SIGTERM, as {@code kill} and systemd send it; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
