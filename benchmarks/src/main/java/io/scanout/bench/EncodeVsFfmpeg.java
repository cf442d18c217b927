package io.scanout.bench;

import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;

/**
 * Scanout's libx264 encode stage against the ffmpeg command line on the same raw NV12 frames (the
 * {@link EncodeBenchmark} desktop), in one command: the stage's frames/s and per-frame latency
 * p50/p99 ({@link StageEncodeRun}), each ffmpeg's frames/s ({@link FfmpegCliRun}, timed by its
 * {@code -benchmark}), and the ratio of the medians. Runs are interleaved (stage, then every ffmpeg,
 * then the stage again …) so that load from elsewhere on the machine falls on all of them alike.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.scanout.bench.EncodeVsFfmpeg \
 *     [--sizes 1920x1080,1280x720] [--loops 10] [--runs 3] [--bitrate 8M] [--ffmpeg PATH]… [--dir /tmp]
 * </pre>
 *
 * {@code --loops N} encodes the 32 distinct frames N times over ({@code -stream_loop N-1} for ffmpeg).
 * Without {@code --ffmpeg}, two are compared: the ffmpeg program bundled with the JavaCPP presets
 * (the very libavcodec and libx264 the stage uses, so the difference is the stage's own) and
 * {@code /usr/bin/ffmpeg} when it exists (the system's build, other versions). Each ffmpeg runs
 * twice per round: with the stage's rate control ({@code -b:v -maxrate -bufsize -g 120 -bf 0}) and
 * with the bare command of issue 6.
 */
public final class EncodeVsFfmpeg {
    private EncodeVsFfmpeg() {
    }

    public static void main(String[] args) throws Exception {
        // Before logging starts: the stage's INFO lines (encoder chosen, opened) on every run are noise
        // here. The server's logback.xml reads the level from this property.
        if (System.getProperty("SCANOUT_LOG_LEVEL") == null && System.getenv("SCANOUT_LOG_LEVEL") == null) {
            System.setProperty("SCANOUT_LOG_LEVEL", "WARN");
        }
        List<String> sizes = List.of("1920x1080", "1280x720");
        int loops = 10;
        int runs = 3;
        long bitrate = 8_000_000;
        List<Path> ffmpegs = new ArrayList<>();
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--sizes" -> sizes = List.of(value.split(","));
                case "--loops" -> loops = Integer.parseInt(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--bitrate" -> bitrate = EncoderSettings.parseBitrate(value);
                case "--ffmpeg" -> ffmpegs.add(Path.of(value));
                case "--dir" -> dir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0 || loops < 1 || runs < 1) {
            throw new IllegalArgumentException("options come in pairs, --loops and --runs at least 1: "
                    + String.join(" ", args));
        }
        if (ffmpegs.isEmpty()) {
            ffmpegs.add(Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class)));
            if (Files.isExecutable(Path.of("/usr/bin/ffmpeg"))) {
                ffmpegs.add(Path.of("/usr/bin/ffmpeg"));
            }
        }
        // The stage runs in this process: keep libx264's banner and statistics out of the report.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        List<String> table = new ArrayList<>();
        System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
        for (String size : sizes) {
            int[] wh = VideoFormat.parseSize(size);
            table.addAll(compare(wh[0], wh[1], loops, runs, bitrate, ffmpegs, dir));
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n%n", loadAverage());
        System.out.println("| size | encoder | frames/s, median (runs) | per-frame latency p50 / p99 | ratio stage / this |");
        System.out.println("| --- | --- | ---: | ---: | ---: |");
        table.forEach(System.out::println);
    }

    private static List<String> compare(int width, int height, int loops, int runs, long bitrate, List<Path> ffmpegs,
                                        Path dir) throws Exception {
        Path raw = dir.resolve("scanout-desktop-" + width + "x" + height + ".nv12");
        EncodeBenchmark.writeFrames(raw, width, height);
        try {
            int frames = EncodeBenchmark.FRAMES * loops;
            StageEncodeRun stage = new StageEncodeRun(width, height, bitrate);
            Map<String, FfmpegCliRun> clis = new LinkedHashMap<>();
            for (Path ffmpeg : ffmpegs) {
                String name = FfmpegCliRun.describe(ffmpeg);
                clis.put(name + ", stage's rate control", new FfmpegCliRun(ffmpeg, true));
                clis.put(name + ", bare command", new FfmpegCliRun(ffmpeg, false));
            }
            System.out.printf(Locale.ROOT, "%dx%d, %d frames a run, %d runs; e.g. %s%n", width, height, frames, runs,
                    String.join(" ", clis.values().iterator().next().command(raw, width, height, loops, bitrate)));
            double[] stageFps = new double[runs];
            double[] p50 = new double[runs];
            double[] p99 = new double[runs];
            Map<String, double[]> cliFps = new LinkedHashMap<>();
            clis.keySet().forEach(k -> cliFps.put(k, new double[runs]));
            for (int r = 0; r < runs; r++) {
                StageEncodeRun.Figures s = stage.measure(frames);
                stageFps[r] = s.framesPerSecond();
                p50[r] = s.latencyP50Millis();
                p99[r] = s.latencyP99Millis();
                System.out.printf(Locale.ROOT, "  run %d: stage %.1f fps, latency p50 %.2f ms p99 %.2f ms%n", r + 1,
                        s.framesPerSecond(), s.latencyP50Millis(), s.latencyP99Millis());
                for (Map.Entry<String, FfmpegCliRun> cli : clis.entrySet()) {
                    FfmpegCliRun.Figures f = cli.getValue().run(raw, width, height, loops, bitrate);
                    if (f.frames() != frames) {
                        throw new IllegalStateException(cli.getKey() + " encoded " + f.frames() + " frames, not " + frames);
                    }
                    cliFps.get(cli.getKey())[r] = f.framesPerSecond();
                    System.out.printf(Locale.ROOT, "  run %d: %s %.1f fps (%.2f ms CPU a frame)%n", r + 1, cli.getKey(),
                            f.framesPerSecond(), f.cpuSeconds() * 1000 / f.frames());
                }
            }
            List<String> rows = new ArrayList<>();
            String sizeName = width + "×" + height;
            rows.add(String.format(Locale.ROOT, "| %s | Scanout stage (EncodeVideo, libx264) | %.1f (%s) | %.2f / %.2f ms | |",
                    sizeName, median(stageFps), list(stageFps), median(p50), median(p99)));
            for (Map.Entry<String, double[]> cli : cliFps.entrySet()) {
                rows.add(String.format(Locale.ROOT, "| %s | %s | %.1f (%s) | | %.2f |", sizeName, cli.getKey(),
                        median(cli.getValue()), list(cli.getValue()), median(stageFps) / median(cli.getValue())));
            }
            return rows;
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String list(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v));
        }
        return s.toString();
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
