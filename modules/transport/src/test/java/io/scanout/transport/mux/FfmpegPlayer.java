package io.scanout.transport.mux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Debian's {@code ffmpeg} as an independent player: decodes a URL to raw I420 pictures (compared
 * with the source's in YUV, so no colour conversion stands between them) and reports what container and codec it found. Skips the test where
 * ffmpeg is not installed.
 */
public final class FfmpegPlayer implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int width;
    private final int height;

    private FfmpegPlayer(Process process, Path log, int width, int height) {
        this.process = process;
        this.log = log;
        this.width = width;
        this.height = height;
    }

    public static void assumeInstalled() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, "ffmpeg"));
        }
        assumeTrue(found, "ffmpeg is not installed (apt-get install ffmpeg); skipping");
    }

    /** Starts decoding {@code url}, every frame as it comes ({@code -fps_mode passthrough}). */
    public static FfmpegPlayer play(String url, int width, int height) throws IOException {
        return start(List.of("-i", url), width, height);
    }

    /**
     * Starts ffmpeg with these input arguments (e.g. {@code -listen 1 -f flv -i rtmp://…} to be a
     * receiver a pusher connects to), decoding to RGB on its standard output.
     */
    public static FfmpegPlayer start(List<String> input, int width, int height) throws IOException {
        assumeInstalled();
        Path log = Files.createTempFile("scanout-ffmpeg", ".log");
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info"));
        command.addAll(input);
        command.addAll(List.of("-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        return new FfmpegPlayer(process, log, width, height);
    }

    /** Kills the process (SIGKILL), as a receiver that crashes. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /**
     * Hands every decoded picture (I420: Y, then U, then V, without padding) to {@code picture} until
     * the stream ends; returns how many.
     */
    public int decodeAll(Consumer<byte[]> picture) {
        int size = EncodedPattern.i420Size(width, height);
        int count = 0;
        try (InputStream in = process.getInputStream()) {
            for (;;) {
                byte[] frame = new byte[size];
                if (in.readNBytes(frame, 0, size) != size) {
                    break;
                }
                picture.accept(frame);
                count++;
            }
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return count;
    }

    /** What ffmpeg said on stderr (the input's container and stream, errors). */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int exitCode() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(log);
    }

    /** Lines of the log that say what was found: {@code Input #0, mpegts, …} and {@code Stream #0:0: Video: …}. */
    public List<String> inputLines() {
        List<String> lines = new ArrayList<>();
        for (String line : log().split("\n")) {
            if (line.startsWith("Input #0") || line.contains("Stream #0:0") && line.contains("Video:")) {
                lines.add(line.trim());
            }
            if (line.startsWith("Output #0")) {
                break;
            }
        }
        return lines;
    }
}
