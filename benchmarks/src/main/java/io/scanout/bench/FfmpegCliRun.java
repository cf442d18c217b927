package io.scanout.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ffmpeg command line converting raw BGRA frames ({@code -pix_fmt bgra}, the bytes of XR24) and
 * encoding them with libx264 ultrafast/zerolatency to nothing ({@code -f null -}), timed by its own
 * {@code -benchmark}: frames per second of its real time. Blocks until ffmpeg exits.
 *
 * @param ffmpeg      the executable
 * @param matchStage  also make what the stages make: 4:2:0 ({@code -pix_fmt nv12}; from RGB input
 *                    ffmpeg would otherwise pick 4:4:4, High 4:4:4 Predictive, a costlier encode)
 *                    and the rate control the encode stage uses (CBR at the bitrate, half a second of
 *                    buffer, a keyframe every 120 frames, no B-frames); without it, the bare command
 *                    of issue 6
 */
record FfmpegCliRun(Path ffmpeg, boolean matchStage) {
    private static final Pattern BENCH = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s");
    private static final Pattern FRAME = Pattern.compile("frame=\\s*(\\d+)");

    /** What one run gave: frames encoded, ffmpeg's real time and CPU time for them, seconds. */
    record Figures(long frames, double realSeconds, double cpuSeconds) {
        double framesPerSecond() {
            return frames / realSeconds;
        }
    }

    /** "ffmpeg 8.1.2 (/path/to/ffmpeg)": the version from {@code ffmpeg -version}, and where it is. */
    static String describe(Path ffmpeg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst()
                .orElse("");
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher version = Pattern.compile("ffmpeg version (\\S+)").matcher(first);
        String where = ffmpeg.toString().contains(".javacpp") ? "JavaCPP presets' bundled binary" : ffmpeg.toString();
        return "ffmpeg " + (version.find() ? version.group(1) : "?") + " (" + where + ")";
    }

    /** The command for {@code loops} passes over the {@link EncodeBenchmark#FRAMES} BGRA frames in {@code raw}. */
    List<String> command(Path raw, int width, int height, int loops, long bitrate) {
        List<String> c = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-benchmark",
                "-f", "rawvideo", "-pix_fmt", "bgra", "-s", width + "x" + height, "-r", "30",
                "-stream_loop", Integer.toString(loops - 1), "-i", raw.toString(),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency"));
        if (matchStage) {
            c.addAll(List.of("-pix_fmt", "nv12", "-b:v", Long.toString(bitrate), "-maxrate", Long.toString(bitrate),
                    "-bufsize", Long.toString(bitrate / 2), "-g", "120", "-bf", "0"));
        }
        c.addAll(List.of("-f", "null", "-"));
        return c;
    }

    Figures run(Path raw, int width, int height, int loops, long bitrate) throws IOException, InterruptedException {
        List<String> command = command(raw, width, height, loops, bitrate);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
        Matcher bench = BENCH.matcher(output);
        if (!bench.find()) {
            throw new IOException("no -benchmark line in the output of " + String.join(" ", command) + ":\n" + output);
        }
        long frames = -1;
        // ffmpeg rewrites its progress line with \r; the last "frame=" is the total.
        for (Matcher m = FRAME.matcher(output); m.find(); ) {
            frames = Long.parseLong(m.group(1));
        }
        return new Figures(frames, Double.parseDouble(bench.group(3)),
                Double.parseDouble(bench.group(1)) + Double.parseDouble(bench.group(2)));
    }
}
