package io.scanout.bench;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.internal.EncoderCandidate;
import io.scanout.encode.internal.FfmpegEncoder;
import io.scanout.encode.internal.PacketSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A software encoder (libx264 ultrafast/zerolatency by default) at 8 Mbit/s on 1920x1080 frames in the
 * format it takes (NV12 for libx264, I420 for the others), one frame per operation: send, then take the
 * packet out. The frames look like a desktop: a still background with fine detail (text-like noise) and
 * a window moving over it, so most of the picture repeats and part changes, as on a real screen.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EncodeBenchmark
 * java -jar benchmarks/target/benchmarks.jar EncodeBenchmark -p encoder=libx264,libvpx-vp9,libsvtav1
 * java -jar benchmarks/target/benchmarks.jar EncodeBenchmark -p size=1280x720
 * </pre>
 *
 * {@link EncodeVsFfmpeg} runs the convert and encode stages and the ffmpeg command line on the same
 * desktop in BGRA ({@link BgraDesktop}) in one command. To feed these NV12 frames to ffmpeg by hand,
 * write them out:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.scanout.bench.EncodeBenchmark /tmp/desktop.nv12 [1920x1080]
 * ffmpeg -benchmark -f rawvideo -pix_fmt nv12 -s 1920x1080 -r 30 -stream_loop 9 -i /tmp/desktop.nv12 \
 *     -c:v libx264 -preset ultrafast -tune zerolatency -b:v 8M -maxrate 8M -bufsize 4M -bf 0 -f null -
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EncodeBenchmark {
    /** Distinct frames: the window moves across them, then the sequence starts over. */
    static final int FRAMES = 32;
    private static final long FRAME_MICROS = 16_667;

    /** FFmpeg's name of a software encoder: libx264, libopenh264, libx265, libvpx, libvpx-vp9, libsvtav1. */
    @Param({"libx264"})
    public String encoder;

    /** Frame size, WIDTHxHEIGHT. */
    @Param({"1920x1080"})
    public String size;

    private FramePool pool;
    private Frame[] frames;
    private FfmpegEncoder ffmpeg;
    private long pts;
    private int next;
    private int bytes;
    private final PacketSink sink = (data, ptsMicros, keyframe) -> bytes += data.length;

    @Setup(Level.Trial)
    public void open() {
        EncoderCandidate candidate = EncoderCandidate.byName(encoder);
        int[] wh = VideoFormat.parseSize(size);
        VideoFormat format = new VideoFormat(candidate.inputFormat(), wh[0], wh[1]);
        pool = new FramePool(FRAMES);
        frames = new Frame[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            frames[i] = desktop(pool.acquire(format), i);
        }
        EncoderSettings settings = EncoderSettings.builder().encoder(EncoderChoice.AUTO).codec(candidate.codec())
                .bitrate(8_000_000).frameRate(60).build();
        ffmpeg = new FfmpegEncoder(candidate, format, settings);
    }

    /** Encodes the next frame and returns the bytes it came to. */
    @Benchmark
    public int encodeFrame() {
        bytes = 0;
        ffmpeg.send(frames[next], pts, false);
        ffmpeg.receive(sink);
        next = (next + 1) % FRAMES;
        pts += FRAME_MICROS;
        return bytes;
    }

    @TearDown(Level.Trial)
    public void close() {
        ffmpeg.close();
        for (Frame frame : frames) {
            frame.release();
        }
        pool.close();
    }

    /**
     * Writes the benchmark's 32 NV12 frames (1920x1080 unless a size is given) to the file named by
     * the first argument: raw video for {@code ffmpeg -f rawvideo -pix_fmt nv12 -s WIDTHxHEIGHT}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: EncodeBenchmark FILE [WIDTHxHEIGHT] (writes " + FRAMES
                    + " NV12 frames for ffmpeg -f rawvideo -pix_fmt nv12 -s WIDTHxHEIGHT; default 1920x1080)");
            System.exit(2);
        }
        int[] wh = VideoFormat.parseSize(args.length == 2 ? args[1] : "1920x1080");
        writeFrames(Path.of(args[0]), wh[0], wh[1]);
    }

    /** Writes the {@value #FRAMES} frames at this size as packed NV12, one after another, no padding. */
    static void writeFrames(Path file, int width, int height) throws IOException {
        try (FramePool framePool = new FramePool(1); OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < FRAMES; i++) {
                Frame frame = desktop(framePool.acquire(new VideoFormat(DrmFormat.NV12, width, height)), i);
                try {
                    PlaneLayout layout = frame.layout();
                    ByteBuffer b = frame.buffer();
                    byte[] row = new byte[width];
                    for (int p = 0; p < 2; p++) {
                        for (int y = 0; y < layout.planeHeight(p); y++) {
                            b.get((int) (layout.offset(p) + (long) y * layout.stride(p)), row);
                            out.write(row);
                        }
                    }
                } finally {
                    frame.release();
                }
            }
        }
    }

    /**
     * Frame {@code index} of the {@link DesktopScene}: the same page every time, the window 24 px
     * further right and 12 px down. NV12 or YU12, whichever the frame is, at the frame's size.
     */
    static Frame desktop(Frame frame, int index) {
        int width = frame.width();
        int height = frame.height();
        PlaneLayout layout = frame.layout();
        ByteBuffer b = frame.buffer();
        DesktopScene.paint(width, height, index, (x, y, part) -> {
            int luma = switch (part) {
                case TITLE_BAR -> 60;
                case WINDOW_LIGHT -> 220;
                case WINDOW_DARK -> 190;
                case INK -> 40;
                case PAGE -> 200;
                case BACKGROUND -> 120 + (x + y) / 64 % 40;
            };
            b.put((int) (layout.offset(0) + (long) y * layout.stride(0)) + x, (byte) luma);
        });
        boolean interleaved = frame.format() == DrmFormat.NV12;
        for (int y = 0; y < height / 2; y++) {
            for (int x = 0; x < width / 2; x++) {
                boolean window = DesktopScene.inWindow(2 * x, 2 * y, index);
                byte cb = (byte) (window ? 150 : 128 + x / 60 % 8);
                byte cr = (byte) (window ? 110 : 128 - y / 60 % 8);
                if (interleaved) {
                    int at = (int) (layout.offset(1) + (long) y * layout.stride(1)) + 2 * x;
                    b.put(at, cb);
                    b.put(at + 1, cr);
                } else {
                    b.put((int) (layout.offset(1) + (long) y * layout.stride(1)) + x, cb);
                    b.put((int) (layout.offset(2) + (long) y * layout.stride(2)) + x, cr);
                }
            }
        }
        return frame;
    }
}
