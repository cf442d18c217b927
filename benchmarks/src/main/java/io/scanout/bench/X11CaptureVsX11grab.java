package io.scanout.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.FrameSources;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 4: Scanout's X11 capture (MIT-SHM {@code XShmGetImage} into a shared segment, then a copy
 * into a pooled frame) against FFmpeg's {@code x11grab} (XCB SHM; its packets point into the
 * segment itself) on one Xvfb screen, both as milliseconds per full-screen grab delivered into
 * memory the grabber owns. Also times a plain copy of one frame's bytes between two direct
 * buffers, the part of our figure x11grab does not pay. Runs alternate, repeated; medians printed
 * with the load average, since the machine is shared.
 *
 * <pre>
 * java -cp benchmarks/target/scanout-benchmarks.jar io.scanout.bench.X11CaptureVsX11grab [WxH] [runs] [frames]
 * </pre>
 */
public final class X11CaptureVsX11grab {
    private static final Pattern BENCH = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s");
    private static final Pattern FRAME = Pattern.compile("frame=\\s*(\\d+)");

    private X11CaptureVsX11grab() {
    }

    public static void main(String[] args) throws Exception {
        String size = args.length > 0 ? args[0] : "1920x1080";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int frames = args.length > 2 ? Integer.parseInt(args[2]) : 240;
        int width = Integer.parseInt(size.substring(0, size.indexOf('x')));
        int height = Integer.parseInt(size.substring(size.indexOf('x') + 1));
        Path dir = Files.createTempDirectory("x11grab-bench");
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", size + "x24", "-nolisten", "tcp",
                "-noreset").redirectError(dir.resolve("xvfb.log").toFile()).start();
        try {
            String number = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            if (number == null) {
                throw new IOException("Xvfb did not start; see " + dir.resolve("xvfb.log"));
            }
            String display = ":" + number.trim();
            run(display, "xsetroot", "-solid", "#336699");
            double[] ours = new double[runs];
            double[] oursCpu = new double[runs];
            double[] grab = new double[runs];
            double[] grabCpu = new double[runs];
            double[] copy = new double[runs];
            for (int r = 0; r < runs; r++) {
                double[] o = ours(display, frames);
                ours[r] = o[0];
                oursCpu[r] = o[1];
                double[] g = x11grab(display, size, frames);
                grab[r] = g[0];
                grabCpu[r] = g[1];
                copy[r] = copyMillis(width * height * 4);
                System.out.printf("run %d: scanout %.2f ms/grab (thread CPU %.2f ms), x11grab %.2f ms/grab"
                                + " (process CPU %.2f ms), copy of one frame %.2f ms, load %s%n", r + 1, ours[r],
                        oursCpu[r], grab[r], grabCpu[r], copy[r], loadAverage());
            }
            System.out.printf("%s, %d runs of %d frames, medians: scanout %.2f ms/grab (CPU %.2f), x11grab %.2f ms/grab"
                            + " (CPU %.2f), one frame's copy %.2f ms%n", size, runs, frames, median(ours),
                    median(oursCpu), median(grab), median(grabCpu), median(copy));
        } finally {
            xvfb.destroy();
            xvfb.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Our source at its top rate without DAMAGE (every tick a whole grab): its capture timer's mean
     * (tick start to the frame filled, pool acquire and size check included), and the capture
     * thread's CPU per frame.
     */
    private static double[] ours(String display, int frames) {
        try (FramePool pool = new FramePool()) {
            StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "x11");
            long[] cpu = new long[2];
            FrameSources.open("x11:" + display + "?damage=0&fps=240", pool, meters).frames()
                    .take(frames)
                    .doOnNext(e -> {
                        long now = threadCpu("scanout-x11-");
                        if (cpu[0] == 0) {
                            cpu[0] = now;
                        }
                        cpu[1] = now;
                        e.release();
                    })
                    .blockLast();
            Timer capture = meters.stageTimer(Stage.CAPTURE);
            return new double[] {capture.mean(TimeUnit.MILLISECONDS), (cpu[1] - cpu[0]) / 1e6 / (frames - 1)};
        }
    }

    /** CPU time of the live thread whose name starts with {@code prefix}, in nanoseconds. */
    private static long threadCpu(String prefix) {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                return bean.getThreadCpuTime(t.getId());
            }
        }
        return 0;
    }

    /**
     * {@code ffmpeg -f x11grab} asked for more frames a second than it can grab, packets copied to
     * the null muxer (nothing decoded or encoded): its real time per frame, and its CPU per frame.
     */
    private static double[] x11grab(String display, String size, int frames) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-benchmark",
                "-f", "x11grab", "-draw_mouse", "0", "-framerate", "1000", "-video_size", size, "-i", display,
                "-frames:v", Integer.toString(frames), "-c", "copy", "-f", "null", "-"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + out);
        }
        Matcher bench = BENCH.matcher(out);
        Matcher frame = FRAME.matcher(out);
        long count = 0;
        while (frame.find()) {
            count = Long.parseLong(frame.group(1));
        }
        if (!bench.find() || count == 0) {
            throw new IOException("no -benchmark figures in ffmpeg's output:\n" + out);
        }
        double cpu = Double.parseDouble(bench.group(1)) + Double.parseDouble(bench.group(2));
        return new double[] {Double.parseDouble(bench.group(3)) * 1000 / count, cpu * 1000 / count};
    }

    /** The median time of copying {@code bytes} between two direct buffers, as the source copies a grab. */
    private static double copyMillis(int bytes) {
        ByteBuffer from = ByteBuffer.allocateDirect(bytes);
        ByteBuffer to = ByteBuffer.allocateDirect(bytes);
        double[] times = new double[50];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            to.put(0, from, 0, bytes);
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        return median(times);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String loadAverage() throws IOException {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }

    private static void run(String display, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.appendTo(new File("/dev/null")));
        pb.environment().put("DISPLAY", display);
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }
}
