package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.ColourBlocks;
import io.scanout.encode.testing.YuvFrames;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening encoders that fail — at avcodec_open2, at the hardware device — a thousand times over, and
 * every other native path many times, leaves native memory where it was: every AVCodecContext,
 * AVFrame, AVPacket and AVBufferRef made on the way is freed on every path.
 *
 * <p>Not here, because the libraries themselves keep memory, measured with bare FFmpeg calls and no
 * Scanout code: OpenH264 refusing an oversized picture (8192x8192) keeps 5..10 kB of each refusal;
 * libx265 refusing one (9728x16) now and then keeps megabytes of a thousand refusals, and below 16x16
 * about a kilobyte each (Scanout refuses those itself, {@link EncoderCandidate#minimumDimension()}).
 * The stage does not retry a size an encoder refused, so it pays that once per size.
 *
 * <p>It reads the whole process's malloc and resident totals, so the encode module's build runs it
 * alone in a JVM of its own after the other tests (the {@code native-leaks} execution in its pom):
 * in the same JVM as the others, their leftover threads moved the totals by about 1 MB per batch
 * in roughly one full run of five. Elsewhere it runs only with {@code -Dscanout.leakTests=true}.
 */
@EnabledIfSystemProperty(named = "scanout.leakTests", matches = "true",
        disabledReason = "process-wide memory totals: the build runs it alone (execution native-leaks)")
class NativeLeakTest {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLeakTest.class);
    /**
     * Rounds run before measuring, so that the JIT has compiled the paths (compiled code and its
     * metadata are malloc'd and stay).
     */
    private static final int WARM_UP = 2000;
    private static final int ROUNDS = 1000;
    /**
     * What a batch of rounds may add to glibc's bytes in use, per round: the JVM mallocs and frees as
     * it runs (JIT compiler arenas, class data), a few hundred kilobytes either way per batch. One
     * leaked AVCodecContext a round would be over a kilobyte a round.
     */
    private static final long MALLOC_NOISE_PER_ROUND = 256;
    /** Batches of {@link #ROUNDS} run at most, waiting for a quiet one (see {@link #repeat}). */
    private static final int MAX_BATCHES = 12;
    /** The resident set moves with the Java heap and the JIT: only a gross leak shows in it. */
    private static final long RESIDENT_NOISE = 32L * 1024 * 1024;

    private final FramePool pool = new FramePool();

    @AfterEach
    void framesBack() {
        assertThat(pool.stats().outstanding()).isZero();
        assertThat(FfmpegEncoder.framesHeldByFfmpeg()).isZero();
        pool.close();
    }

    private static void repeat(String what, Runnable round) {
        repeat(what, WARM_UP, ROUNDS, round);
    }

    /**
     * Runs {@code round} {@code warmUp} times, then batches of {@code rounds} until one is quiet:
     * native memory neither grew nor shrank in it beyond noise. A leak grows every batch, so it never
     * gives a quiet one; the JVM's and the encoders' threads take and give back whole malloc arenas
     * (megabytes either way) as they come and go, so a batch now and then moves by that much, and
     * up to {@value #MAX_BATCHES} are run. Every batch must leave JavaCPP's own count where it was.
     */
    private static void repeat(String what, int warmUp, int rounds, Runnable round) {
        for (int i = 0; i < warmUp; i++) {
            round.run();
        }
        List<NativeMemory.Reading> batches = new ArrayList<>();
        for (int batch = 0; batch < MAX_BATCHES; batch++) {
            System.gc();
            NativeMemory.Reading before = NativeMemory.read();
            for (int i = 0; i < rounds; i++) {
                round.run();
            }
            System.gc();
            NativeMemory.Reading grown = NativeMemory.read().minus(before);
            LOG.info("{} x{}: malloc {} B, JavaCPP {} B, resident {} B more", what, rounds, grown.mallocInUse(),
                    grown.javacppBytes(), grown.residentBytes());
            assertThat(grown.javacppBytes()).as("%s: JavaCPP bytes grown over %d rounds", what, rounds)
                    .isLessThanOrEqualTo(0);
            if (Math.abs(grown.mallocInUse()) < MALLOC_NOISE_PER_ROUND * rounds && grown.residentBytes() < RESIDENT_NOISE) {
                return;
            }
            batches.add(grown);
        }
        throw new AssertionError(what + ": malloc'd or resident bytes moved beyond noise (" + MALLOC_NOISE_PER_ROUND
                + " B a round, " + RESIDENT_NOISE + " B resident) in every one of " + MAX_BATCHES + " batches of "
                + rounds + " rounds: " + batches);
    }

    private static Runnable failsToOpen(EncoderCandidate candidate, int width, int height, EncoderSettings settings) {
        return failsToOpen(candidate, width, height, false, settings);
    }

    private static Runnable failsToOpen(EncoderCandidate candidate, int width, int height, boolean dmaBuf,
                                        EncoderSettings settings) {
        return failsToOpen(candidate, dmaBuf ? DrmFormat.NV12 : candidate.inputFormat(), width, height, dmaBuf, settings);
    }

    private static Runnable failsToOpen(EncoderCandidate candidate, DrmFormat input, int width, int height,
                                        boolean dmaBuf, EncoderSettings settings) {
        VideoFormat format = new VideoFormat(input, width, height);
        return () -> assertThatThrownBy(() -> new FfmpegEncoder(candidate, format, dmaBuf, settings).close())
                .isInstanceOf(EncoderUnavailableException.class);
    }

    @Test
    void svtAv1RefusingToOpenLeavesNothing() {
        EncoderSettings av1 = EncoderSettings.builder().encoder(EncoderChoice.AV1).build();
        repeat("libsvtav1 16x16", failsToOpen(EncoderCandidate.SVT_AV1, 16, 16, av1));
    }

    @Test
    void hardwareDevicesThatDoNotOpenLeaveNothing() {
        // /dev/null: FFmpeg and libva really try, and fail, each round.
        EncoderSettings settings = EncoderSettings.defaults().withDevicePath("/dev/null");
        repeat("h264_vaapi on /dev/null", failsToOpen(EncoderCandidate.H264_VAAPI, 320, 240, settings));
        repeat("h264_vaapi dma-bufs on /dev/null", failsToOpen(EncoderCandidate.H264_VAAPI, 320, 240, true, settings));
        repeat("h264_vaapi XR24 dma-bufs on /dev/null",
                failsToOpen(EncoderCandidate.H264_VAAPI, DrmFormat.XR24, 320, 240, true, settings));
        repeat("h264_nvenc", failsToOpen(EncoderCandidate.H264_NVENC, 320, 240, settings));
    }

    @Test
    void openingEncodingAndClosingLeavesNothing() {
        VideoFormat format = new VideoFormat(DrmFormat.NV12, 64, 64);
        Frame frame = YuvFrames.draw(pool, DrmFormat.NV12, new ColourBlocks(64, 64, 0));
        try {
            // x264 starts threads on open: 300 rounds take as long as the thousands of failures.
            repeat("libx264 64x64 open, encode, flush, close", 200, 300, () -> {
                try (FfmpegEncoder encoder = new FfmpegEncoder(EncoderCandidate.X264, format, EncoderSettings.defaults())) {
                    encoder.send(frame, 0, true);
                    encoder.flush((data, pts, keyframe) -> { });
                }
            });
            // NV12 into OpenH264 goes through the converter, which has natives of its own.
            repeat("libopenh264 64x64 from NV12", () -> {
                try (FfmpegEncoder encoder = new FfmpegEncoder(EncoderCandidate.OPENH264, format,
                        EncoderSettings.defaults())) {
                    encoder.send(frame, 0, true);
                    encoder.flush((data, pts, keyframe) -> { });
                }
            });
        } finally {
            frame.release();
        }
    }

    @Test
    void regionsOfInterestOnEveryFrameLeaveNothing() {
        // x265 takes the regions as-is; VP8 gets NV12 frames through the converter, whose AVFrame is
        // reused, and a reset region after each frame with regions.
        for (EncoderCandidate candidate : new EncoderCandidate[] {EncoderCandidate.X265, EncoderCandidate.VPX_VP8}) {
            DrmFormat input = candidate == EncoderCandidate.VPX_VP8 ? DrmFormat.NV12 : candidate.inputFormat();
            VideoFormat format = new VideoFormat(input, 64, 64);
            Frame frame = YuvFrames.draw(pool, input, new ColourBlocks(64, 64, 0));
            long[] pts = {0};
            Damage[] damages = {Damage.of(new Rect(0, 0, 16, 16), new Rect(32, 32, 8, 8)), Damage.none(),
                    Damage.whole(), Damage.of(new Rect(40, 0, 24, 64))};
            try (FfmpegEncoder encoder = new FfmpegEncoder(candidate, format, EncoderSettings.defaults())) {
                repeat(candidate.ffmpegName() + " 64x64 frames with regions of interest", () -> {
                    encoder.send(frame, damages[(int) (pts[0] % damages.length)], pts[0] * 33_333L, false);
                    pts[0]++;
                    encoder.receive((data, p, keyframe) -> { });
                });
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void describingDmaBufsToFfmpegLeavesNothing() {
        AVFrame drm = av_frame_alloc();
        try {
            repeat("DRM_PRIME frames", () -> {
                Frame frame = Frame.wrap(DrmFrameDescriptorTest.memfdBuffer(DrmFormat.NV12, 64, 64));
                try {
                    DrmPrimeFrames.describe(frame, drm);
                } finally {
                    frame.release();
                    av_frame_unref(drm);
                }
            });
        } finally {
            av_frame_free(drm);
        }
    }
}
