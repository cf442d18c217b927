package io.scanout.bench;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes frames of the synthetic picture as raw frames of one RGB format, rows packed, so FFmpeg's
 * own command-line conversion can be timed on the same frames as {@code ConvertBenchmark}. The
 * format is XR24 (FFmpeg's {@code bgr0}, the default), RG16 ({@code rgb565le}) or XR30
 * ({@code x2rgb10le}); the matching ffmpeg command is printed on standard error:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.scanout.bench.ConvertRawFrames 1920x1080 30 /tmp/rg16.raw RG16
 * ffmpeg -benchmark -f rawvideo -pix_fmt rgb565le -s 1920x1080 -i /tmp/rg16.raw -pix_fmt nv12 -f null -
 * </pre>
 */
public final class ConvertRawFrames {
    /** The formats written, each with FFmpeg's name for its bytes and the target ConvertBenchmark gives it. */
    private static final Map<DrmFormat, String[]> FFMPEG = Map.of(
            DrmFormat.XR24, new String[] {"bgr0", "nv12"},
            DrmFormat.RG16, new String[] {"rgb565le", "nv12"},
            DrmFormat.XR30, new String[] {"x2rgb10le", "p010le"});

    private ConvertRawFrames() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: ConvertRawFrames WIDTHxHEIGHT FRAMES OUTPUT [XR24|RG16|XR30]");
            System.exit(2);
        }
        int[] wh = VideoFormat.parseSize(args[0]);
        int frames = Integer.parseInt(args[1]);
        DrmFormat format = args.length == 4 ? DrmFormat.parse(args[3]) : DrmFormat.XR24;
        String[] names = FFMPEG.get(format);
        if (names == null) {
            System.err.println("the format is XR24, RG16 or XR30, not " + format);
            System.exit(2);
        }
        SyntheticPattern pattern = new SyntheticPattern(wh[0], wh[1]);
        PlaneLayout packed = PlaneLayout.packed(format, wh[0], wh[1]);
        try (FramePool pool = new FramePool();
             FileChannel out = FileChannel.open(Path.of(args[2]), StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (int i = 0; i < frames; i++) {
                Frame frame = pool.acquire(packed);
                try {
                    pattern.render(1234 + i, frame);
                    ByteBuffer bytes = frame.buffer().limit((int) packed.requiredBytes());
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                } finally {
                    frame.release();
                }
            }
        }
        System.err.println("ffmpeg -benchmark -f rawvideo -pix_fmt " + names[0] + " -s " + args[0] + " -i " + args[2]
                + " -pix_fmt " + names[1] + " -f null -");
    }
}
