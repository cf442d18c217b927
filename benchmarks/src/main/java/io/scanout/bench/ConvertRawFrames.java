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

/**
 * Writes frames of the synthetic picture as raw XR24 (FFmpeg's {@code bgr0}), rows packed, so
 * FFmpeg's own command-line conversion can be timed on the same frames as {@code ConvertBenchmark}:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.scanout.bench.ConvertRawFrames 1920x1080 30 /tmp/frames.raw
 * ffmpeg -benchmark -f rawvideo -pix_fmt bgr0 -s 1920x1080 -i /tmp/frames.raw -pix_fmt nv12 -f null -
 * </pre>
 */
public final class ConvertRawFrames {
    private ConvertRawFrames() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ConvertRawFrames WIDTHxHEIGHT FRAMES OUTPUT");
            System.exit(2);
        }
        int[] wh = VideoFormat.parseSize(args[0]);
        int frames = Integer.parseInt(args[1]);
        SyntheticPattern pattern = new SyntheticPattern(wh[0], wh[1]);
        PlaneLayout packed = PlaneLayout.packed(DrmFormat.XR24, wh[0], wh[1]);
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
    }
}
