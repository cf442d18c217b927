package io.scanout.transport.mux;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.EncodeVideo;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.RgbImage;
import io.scanout.encode.testing.YuvFrames;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * The synthetic pattern, frame by frame, encoded by a real libx264: what the mux tests serve and
 * compare decoded pictures against. Capture times are exactly one frame apart at 30 fps, so a
 * muxer's timestamps say which frame a decoded picture is.
 */
public final class EncodedPattern implements AutoCloseable {
    public static final long FRAME_NANOS = 33_333_333L;
    private static final long START_NANOS = 5_000_000_000L;

    private final SyntheticPattern pattern;
    private final FramePool pool = new FramePool();
    private final EncodeVideo encoder;

    public EncodedPattern(int width, int height, int keyframeInterval, StreamMeters meters) {
        this.pattern = new SyntheticPattern(width, height);
        this.encoder = EncodeVideo.create(EncoderSettings.defaults().withEncoder(EncoderChoice.X264)
                .withKeyframeIntervalFrames(keyframeInterval), meters);
    }

    public EncodeVideo encoder() {
        return encoder;
    }

    /** {@code count} frames encoded as fast as the encoder goes. */
    public Flux<EncodedPacket> packets(int count) {
        return Flux.range(0, count).map(this::event).transform(encoder);
    }

    /** {@code count} frames encoded at 30 fps of wall-clock time, as a live source sends them. */
    public Flux<EncodedPacket> livePackets(int count) {
        return Flux.interval(Duration.ofNanos(FRAME_NANOS)).take(count).map(i -> event(i.intValue()))
                .onBackpressureBuffer().transform(encoder);
    }

    private FrameEvent event(int index) {
        Frame frame = YuvFrames.draw(pool, DrmFormat.NV12, picture(index));
        return new FrameEvent(frame, Damage.whole(), index, START_NANOS + index * FRAME_NANOS,
                index == 0 ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    /** What frame {@code index} shows, as the source drew it. */
    RgbImage picture(long index) {
        int width = pattern.width();
        int height = pattern.height();
        int[] pixels = new int[width * height];
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, width, height));
        try {
            pattern.render(index, frame);
            PlaneLayout layout = frame.layout();
            ByteBuffer buffer = frame.buffer();
            for (int y = 0; y < height; y++) {
                int row = (int) (layout.offset(0) + (long) y * layout.stride(0));
                for (int x = 0; x < width; x++) {
                    int at = row + 4 * x;
                    // XR24 is B, G, R, X in memory.
                    pixels[y * width + x] = (buffer.get(at + 2) & 0xff) << 16 | (buffer.get(at + 1) & 0xff) << 8
                            | buffer.get(at) & 0xff;
                }
            }
        } finally {
            frame.release();
        }
        return new Pixels(width, height, pixels);
    }

    /** Bytes of an I420 picture: Y, then U and V at half size each way. */
    public static int i420Size(int width, int height) {
        return width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2);
    }

    /** What frame {@code index} is in YUV, as the encoder was given it: I420 planes, without padding. */
    public byte[] i420(long index) {
        int width = pattern.width();
        int height = pattern.height();
        byte[] out = new byte[i420Size(width, height)];
        Frame frame = YuvFrames.draw(pool, DrmFormat.YU12, picture(index));
        try {
            PlaneLayout layout = frame.layout();
            ByteBuffer buffer = frame.buffer();
            int at = 0;
            for (int plane = 0; plane < 3; plane++) {
                int w = plane == 0 ? width : (width + 1) / 2;
                int h = plane == 0 ? height : (height + 1) / 2;
                for (int y = 0; y < h; y++) {
                    buffer.get((int) (layout.offset(plane) + (long) y * layout.stride(plane)), out, at, w);
                    at += w;
                }
            }
        } finally {
            frame.release();
        }
        return out;
    }

    /** PSNR in dB of two 8-bit pictures of the same layout, over every sample; infinite when equal. */
    public static double psnr(byte[] expected, byte[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException("pictures differ in size: " + expected.length + " and " + actual.length);
        }
        long squares = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = (expected[i] & 0xff) - (actual[i] & 0xff);
            squares += (long) d * d;
        }
        if (squares == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(255.0 * 255.0 / ((double) squares / expected.length));
    }

    /** A drawn picture, 0xRRGGBB per pixel. */
    private record Pixels(int width, int height, int[] pixels) implements RgbImage {
        @Override
        public int rgb(int x, int y) {
            return pixels[y * width + x];
        }
    }

    public long outstandingFrames() {
        return pool.stats().outstanding();
    }

    @Override
    public void close() {
        pool.close();
    }
}
