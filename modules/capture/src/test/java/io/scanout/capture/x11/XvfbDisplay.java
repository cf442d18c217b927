package io.scanout.capture.x11;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scanout.capture.testing.CaptureTesting;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An Xvfb server for a test, on a display number it picks itself ({@code -displayfd}), with
 * {@code -noreset} so the root window keeps what {@code xsetroot} gives it when that client
 * leaves. Processes started through it are ended, in reverse order, on {@link #close()}.
 */
public final class XvfbDisplay implements AutoCloseable {
    private final Process xvfb;
    private final int number;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    private XvfbDisplay(Process xvfb, int number, Path dir) {
        this.xvfb = xvfb;
        this.number = number;
        this.dir = dir;
    }

    /** Skips the test (with a message) when a program is not installed. */
    public static void assumeInstalled(String... programs) {
        for (String program : programs) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin", program)), program + " is not installed (apt-get install"
                    + " xvfb x11vnc x11-apps x11-xserver-utils)");
        }
    }

    /** Starts a {@code width × height × 24} screen; waits until it takes clients. */
    public static XvfbDisplay start(int width, int height, Path dir) throws IOException {
        assumeInstalled("Xvfb");
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", width + "x" + height + "x24",
                "-nolisten", "tcp", "-noreset")
                .redirectError(dir.resolve("xvfb.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        if (line == null) {
            xvfb.destroy();
            throw new IOException("Xvfb did not say its display number; see " + dir.resolve("xvfb.log"));
        }
        return new XvfbDisplay(xvfb, Integer.parseInt(line.trim()), dir);
    }

    public int number() {
        return number;
    }

    /** {@code :N}. */
    public String name() {
        return ":" + number;
    }

    public Path dir() {
        return dir;
    }

    /** Starts a program against this display, logging to a file named after it; ended on close. */
    public Process start(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(Path.of(command[0]).getFileName() + "-" + processes.size() + ".log").toFile());
        pb.environment().put("DISPLAY", name());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Runs a program against this display to its end (within 30 s) and checks that it succeeded. */
    public void run(String... command) throws IOException, InterruptedException {
        Process p = start(command);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue());
        }
    }

    /**
     * Paints the root window {@code background} ({@code xsetroot -solid}) and shows {@code picture}
     * at the top-left corner of the screen ({@code xwud}); returns once {@code xwd} sees it there,
     * pixel for pixel, failing after {@code limit}.
     */
    public void showPicture(String background, XwdImage picture, Duration limit) throws IOException,
            InterruptedException {
        run("xsetroot", "-solid", background);
        Path file = dir.resolve("picture-" + System.nanoTime() + ".xwd");
        Files.write(file, picture.toXwd());
        start("xwud", "-in", file.toString(), "-noclick");
        CaptureTesting.await(limit, () -> shows(picture), () -> "xwud's window does not show the test picture");
    }

    /** Whether the screen shows {@code picture} at its top-left corner now, pixel for pixel. */
    public boolean shows(XwdImage picture) {
        XwdImage screen;
        try {
            screen = screenshot();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        for (int y = 0; y < picture.height(); y++) {
            for (int x = 0; x < picture.width(); x++) {
                if (screen.rgb(x, y) != picture.rgb(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Starts x11vnc serving this display on a free port of 127.0.0.1 ({@code -localhost}), with
     * {@code options} after the display and port; returns the port once it takes connections.
     * Ended on close.
     */
    public int startX11vnc(Duration limit, String... options) throws IOException {
        int port = CaptureTesting.freePort();
        List<String> command = new ArrayList<>(List.of("x11vnc", "-display", name(), "-rfbport",
                String.valueOf(port), "-localhost"));
        command.addAll(List.of(options));
        start(command.toArray(new String[0]));
        CaptureTesting.awaitPort(port, limit);
        return port;
    }

    /** What the screen shows now, by {@code xwd -root}. */
    public XwdImage screenshot() throws IOException, InterruptedException {
        Path file = dir.resolve("root-" + System.nanoTime() + ".xwd");
        run("xwd", "-root", "-silent", "-out", file.toString());
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return XwdImage.parse(bytes);
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i));
        }
        stop(xvfb);
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
