package io.scanout.bench.fanout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code scanout serve} in a process of its own, so its CPU time can be read apart from the load
 * client's (from {@code /proc/PID/stat}). Its output goes to a log file; the port is read from the
 * "Scanout is serving … at http://127.0.0.1:PORT/" line, so it binds to port 0 and never collides.
 *
 * <p>Owns the process: {@link #close} stops it (SIGTERM, then SIGKILL after 20 s). Not thread-safe.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("Scanout is serving .* at http://127\\.0\\.0\\.1:(\\d+)/");

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code scanout serve --source SOURCE --bind 127.0.0.1:0 ARGS…} and waits until it serves.
     *
     * @param serverJar  the application jar ({@code java -jar}); {@code null} runs
     *                   {@code io.scanout.server.Main} from this JVM's class path instead
     * @param jvmArgs    options for the server's JVM, e.g. {@code -XX:StartFlightRecording=…}
     * @param serveArgs  more {@code serve} options, e.g. {@code --bitrate 4M}
     * @throws IOException if it cannot start, exits, or does not serve within 90 s; the log's tail
     *                     is in the message
     */
    static ServerProcess start(Path serverJar, String source, List<String> jvmArgs, List<String> serveArgs, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As the scanout launcher runs it: the convert stage's Vector API kernel needs the module.
        command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        command.addAll(jvmArgs);
        if (serverJar != null) {
            command.addAll(List.of("-jar", serverJar.toString()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.scanout.server.Main"));
        }
        command.addAll(List.of("serve", "--source", source, "--bind", "127.0.0.1:0"));
        command.addAll(serveArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread copier = new Thread(() -> copyLog(process, log, port), "scanout-server-log");
        copier.setDaemon(true);
        copier.start();
        try {
            return new ServerProcess(process, port.get(90, TimeUnit.SECONDS), log);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException("scanout serve did not start serving (" + String.join(" ", command) + "); log "
                    + log + " ends:\n" + tail(log), e);
        }
    }

    /** Copies the server's output into the log and completes {@code port} from the "serving" line. */
    private static void copyLog(Process process, Path log, CompletableFuture<Integer> port) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher m = SERVING.matcher(line);
                if (!port.isDone() && m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
            port.completeExceptionally(new IOException("scanout serve exited with " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            port.completeExceptionally(e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The server's user + system CPU time so far, in nanoseconds, from {@code /proc/PID/stat}. */
    long cpuNanos() throws IOException {
        return ProcStat.processCpuNanos(process.pid());
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the server's shutdown hook closes viewers with 1001
        try {
            if (!process.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read the log: " + e + ")";
        }
    }
}
