package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncodeException;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.ColourBlocks;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.VideoDecoder;
import io.scanout.encode.testing.YuvFrames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tiny, thin and odd sizes never crash the JVM: each software encoder either encodes them (and an
 * independent decoder gets pictures of that size back) or refuses them with an exception saying so.
 */
class OddSizesTest {
    private static final int[][] EVEN = {{2, 2}, {4, 4}, {16, 16}, {64, 64}, {4098, 2}, {2, 4098}, {18, 4096}};
    private static final int[][] ODD = {{1, 1}, {4097, 3}, {3, 2}, {2, 3}};

    private final FramePool pool = new FramePool();

    @AfterEach
    void framesBack() {
        assertThat(pool.stats().outstanding()).isZero();
        assertThat(FfmpegEncoder.framesHeldByFfmpeg()).isZero();
        pool.close();
    }

    private static EncoderSettings settingsFor(EncoderCandidate candidate) {
        return EncoderSettings.defaults().withEncoder(EncoderChoice.AUTO, candidate.codec());
    }

    @ParameterizedTest
    @EnumSource(names = {"X264", "OPENH264", "X265", "VPX_VP8", "VPX_VP9", "SVT_AV1"})
    void evenSizesEncodeAndDecodeOrAreRefusedWithAReason(EncoderCandidate candidate) {
        List<String> outcomes = new ArrayList<>();
        for (int[] size : EVEN) {
            VideoFormat format = new VideoFormat(candidate.inputFormat(), size[0], size[1]);
            List<byte[]> packets = new ArrayList<>();
            try (FfmpegEncoder encoder = new FfmpegEncoder(candidate, format, settingsFor(candidate))) {
                for (int i = 0; i < 2; i++) {
                    Frame frame = YuvFrames.draw(pool, format.format(), new ColourBlocks(size[0], size[1], 1, i));
                    try {
                        encoder.send(frame, i * 33_333L, false);
                    } finally {
                        frame.release();
                    }
                    encoder.receive((data, pts, keyframe) -> packets.add(data));
                }
                encoder.flush((data, pts, keyframe) -> packets.add(data));
            } catch (EncoderUnavailableException e) {
                assertThat(e.getMessage()).contains(candidate.ffmpegName()).contains(size[0] + "x" + size[1]);
                outcomes.add(size[0] + "x" + size[1] + " refused at open");
                continue;
            } catch (EncodeException e) {
                // libvpx-vp9 opens at 4098x2 and then refuses the frames: a stream error, not a crash.
                assertThat(e.getMessage()).startsWith("cannot encode a " + format + " frame with " + candidate.ffmpegName());
                outcomes.add(size[0] + "x" + size[1] + " refused while encoding");
                continue;
            }
            try (VideoDecoder decoder = VideoDecoder.forCodec(candidate.codec())) {
                List<DecodedPicture> pictures = new ArrayList<>();
                packets.forEach(p -> pictures.addAll(decoder.decode(p)));
                pictures.addAll(decoder.flush());
                assertThat(pictures).as("%s at %dx%d", candidate.ffmpegName(), size[0], size[1]).hasSize(2)
                        .allSatisfy(p -> assertThat(p.width() + "x" + p.height()).isEqualTo(size[0] + "x" + size[1]));
            }
            outcomes.add(size[0] + "x" + size[1] + " encoded");
        }
        // Every encoder here takes a picture of 64x64.
        assertThat(outcomes).hasSize(EVEN.length).contains("64x64 encoded");
    }

    @ParameterizedTest
    @EnumSource(names = {"X264", "OPENH264", "X265", "VPX_VP8", "VPX_VP9", "SVT_AV1", "H264_VAAPI"})
    void oddSizesAreRefusedBeforeFfmpegSeesThem(EncoderCandidate candidate) {
        for (int[] size : ODD) {
            VideoFormat format = new VideoFormat(candidate.inputFormat(), size[0], size[1]);
            assertThatThrownBy(() -> new FfmpegEncoder(candidate, format, settingsFor(candidate)))
                    .isInstanceOf(EncodeException.class)
                    .isNotInstanceOf(EncoderUnavailableException.class)
                    .hasMessageContaining("needs an even width and height")
                    .hasMessageContaining(size[0] + "x" + size[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"X264", "VPX_VP9"})
    void aFrameOfAnotherSizeThanOpenedIsRefused(EncoderCandidate candidate) {
        DrmFormat format = candidate.inputFormat();
        try (FfmpegEncoder encoder = new FfmpegEncoder(candidate, new VideoFormat(format, 64, 64),
                settingsFor(candidate))) {
            Frame frame = YuvFrames.draw(pool, format, new ColourBlocks(4098, 2, 0));
            try {
                assertThatThrownBy(() -> encoder.send(frame, 0, false)).isInstanceOf(EncodeException.class)
                        .hasMessageContaining("opened for " + format + " 64x64, got a " + format + " 4098x2 frame");
            } finally {
                frame.release();
            }
        }
    }
}
