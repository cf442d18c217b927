package io.scanout.bench;

import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;

/**
 * Scanout's convert and encode stages against the ffmpeg command line on the same raw BGRA frames
 * (the {@link BgraDesktop} desktop, XR24 in DRM terms), in one command: the stages' frames/s and
 * per-frame latency p50/p99, serial and pipelined ({@link StageEncodeRun}), each ffmpeg's frames/s
 * ({@link FfmpegCliRun}, timed by its {@code -benchmark}), and the ratios of the medians. Runs are
 * interleaved (stages serial, stages pipelined, then every ffmpeg, then the stages again …) so that
 * load from elsewhere on the machine falls on all of them alike.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar io.scanout.bench.EncodeVsFfmpeg \
 *     [--sizes 1920x1080,1280x720] [--loops 10] [--runs 3] [--bitrate 8M] [--ffmpeg PATH]… [--dir /tmp]
 * </pre>
 *
 * {@code --loops N} takes the 32 distinct frames N times over ({@code -stream_loop N-1} for ffmpeg).
 * Without {@code --ffmpeg}, two are compared: the ffmpeg program bundled with the JavaCPP presets
 * (the very libavcodec and libx264 the stage uses, so the difference is the stages' own) and
 * {@code /usr/bin/ffmpeg} when it exists (the system's build, other versions). Each ffmpeg runs
 * twice per round: making what the stages make (4:2:0 with their rate control:
 * {@code -pix_fmt nv12 -b:v -maxrate -bufsize -g 120 -bf 0}) and with the bare command of issue 6
 * (which, from RGB input, encodes 4:4:4). Without {@code --add-modules jdk.incubator.vector} the
 * convert stage uses libswscale in place of its Vector API kernel; the first line says which.
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
        System.out.printf(Locale.ROOT, "convert kernel: %s; load average at start: %s%n",
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                        ? "Vector API (jdk.incubator.vector present)" : "no Vector API module: libswscale",
                loadAverage());
        for (String size : sizes) {
            int[] wh = VideoFormat.parseSize(size);
            table.addAll(compare(wh[0], wh[1], loops, runs, bitrate, ffmpegs, dir));
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n%n", loadAverage());
        System.out.println("| size | what | frames/s, median (runs) | per-frame latency p50 / p99 | CPU ms a frame"
                + " | serial ÷ this | pipelined ÷ this |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        table.forEach(System.out::println);
    }

    private static List<String> compare(int width, int height, int loops, int runs, long bitrate, List<Path> ffmpegs,
                                        Path dir) throws Exception {
        Path raw = dir.resolve("scanout-desktop-" + width + "x" + height + ".bgra");
        BgraDesktop.write(raw, width, height);
        try {
            int frames = EncodeBenchmark.FRAMES * loops;
            StageEncodeRun stages = new StageEncodeRun(width, height, bitrate);
            Map<String, FfmpegCliRun> clis = new LinkedHashMap<>();
            for (Path ffmpeg : ffmpegs) {
                String name = FfmpegCliRun.describe(ffmpeg);
                clis.put(name + ", 4:2:0 and the stage's rate control", new FfmpegCliRun(ffmpeg, true));
                clis.put(name + ", bare command (4:4:4)", new FfmpegCliRun(ffmpeg, false));
            }
            System.out.printf(Locale.ROOT, "%dx%d, %d frames a run, %d runs; e.g. %s%n", width, height, frames, runs,
                    String.join(" ", clis.values().iterator().next().command(raw, width, height, loops, bitrate)));
            Map<StageEncodeRun.Mode, double[][]> stageFigures = new EnumMap<>(StageEncodeRun.Mode.class);
            for (StageEncodeRun.Mode mode : StageEncodeRun.Mode.values()) {
                stageFigures.put(mode, new double[4][runs]);
            }
            Map<String, double[]> cliFps = new LinkedHashMap<>();
            clis.keySet().forEach(k -> cliFps.put(k, new double[runs]));
            Map<String, double[]> cliCpu = new LinkedHashMap<>();
            clis.keySet().forEach(k -> cliCpu.put(k, new double[runs]));
            for (int r = 0; r < runs; r++) {
                for (StageEncodeRun.Mode mode : StageEncodeRun.Mode.values()) {
                    StageEncodeRun.Figures s = stages.measure(mode, frames);
                    double[][] f = stageFigures.get(mode);
                    f[0][r] = s.framesPerSecond();
                    f[1][r] = s.latencyP50Millis();
                    f[2][r] = s.latencyP99Millis();
                    f[3][r] = s.cpuMillisPerFrame();
                    System.out.printf(Locale.ROOT,
                            "  run %d: stages %s %.1f fps, latency p50 %.2f ms p99 %.2f ms (%.2f ms CPU a frame; load %s)%n",
                            r + 1, mode.name().toLowerCase(Locale.ROOT), s.framesPerSecond(), s.latencyP50Millis(),
                            s.latencyP99Millis(), s.cpuMillisPerFrame(), loadAverage());
                }
                for (Map.Entry<String, FfmpegCliRun> cli : clis.entrySet()) {
                    FfmpegCliRun.Figures f = cli.getValue().run(raw, width, height, loops, bitrate);
                    if (f.frames() != frames) {
                        throw new IllegalStateException(cli.getKey() + " encoded " + f.frames() + " frames, not " + frames);
                    }
                    cliFps.get(cli.getKey())[r] = f.framesPerSecond();
                    cliCpu.get(cli.getKey())[r] = f.cpuSeconds() * 1000 / f.frames();
                    System.out.printf(Locale.ROOT, "  run %d: %s %.1f fps (%.2f ms CPU a frame)%n", r + 1, cli.getKey(),
                            f.framesPerSecond(), f.cpuSeconds() * 1000 / f.frames());
                }
            }
            List<String> rows = new ArrayList<>();
            String sizeName = width + "×" + height;
            double serial = median(stageFigures.get(StageEncodeRun.Mode.SERIAL)[0]);
            double pipelined = median(stageFigures.get(StageEncodeRun.Mode.PIPELINED)[0]);
            for (StageEncodeRun.Mode mode : StageEncodeRun.Mode.values()) {
                double[][] f = stageFigures.get(mode);
                rows.add(String.format(Locale.ROOT,
                        "| %s | Scanout NormalizeFormat + EncodeVideo (libx264), %s | %.1f (%s) | %.2f / %.2f ms | %.1f | %.2f | %.2f |",
                        sizeName, mode.name().toLowerCase(Locale.ROOT), median(f[0]), list(f[0]), median(f[1]),
                        median(f[2]), median(f[3]), serial / median(f[0]), pipelined / median(f[0])));
            }
            for (Map.Entry<String, double[]> cli : cliFps.entrySet()) {
                double fps = median(cli.getValue());
                rows.add(String.format(Locale.ROOT, "| %s | %s | %.1f (%s) | | %.1f | %.2f | %.2f |", sizeName,
                        cli.getKey(), fps, list(cli.getValue()), median(cliCpu.get(cli.getKey())), serial / fps,
                        pipelined / fps));
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
