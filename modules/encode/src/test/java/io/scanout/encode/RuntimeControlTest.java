package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.FrameLeaks;
import io.scanout.encode.testing.Noise;
import io.scanout.encode.testing.VideoDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import io.scanout.encode.testing.RgbImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;

/** Bitrate and frame rate changed while a stream runs, and intra refresh. */
class RuntimeControlTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int FRAMES = 120;
    private static final int CHANGE = 60;

    private final FramePool pool = new FramePool();

    @AfterEach
    void nothingLeaks() throws InterruptedException {
        FrameLeaks.assertNoneHeldThenClose(pool);
    }

    /**
     * Encodes frames of noise, 48 grey levels wide; {@code beforeFrame} runs just before frame i is
     * drawn (between frames i-1 and i).
     */
    private List<EncodedPacket> encodeNoise(EncodeVideo encode, int width, int height, IntConsumer beforeFrame) {
        return encode(encode, i -> new Noise(width, height, i, 48), beforeFrame);
    }

    private List<EncodedPacket> encode(EncodeVideo encode, IntFunction<RgbImage> pictures, IntConsumer beforeFrame) {
        Flux<FrameEvent> frames = Flux.range(0, FRAMES).map(i -> {
            beforeFrame.accept(i);
            return TestStreams.event(pool, encode.inputFormat(), pictures.apply(i), i);
        });
        // block() waits on a latch; StepVerifier's wait would spin a core the encoder needs on small hosts.
        List<EncodedPacket> packets = frames.transform(encode).collectList().block(TIMEOUT);
        return packets;
    }

    private static long bytes(List<EncodedPacket> packets, int from, int to) {
        return packets.stream().filter(p -> p.sequence() >= from && p.sequence() < to).mapToLong(EncodedPacket::size)
                .sum();
    }

    private static List<Long> keyframes(List<EncodedPacket> packets) {
        return packets.stream().filter(EncodedPacket::keyframe).map(EncodedPacket::sequence).toList();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"x264, h264, false", "vp9, vp9, true", "av1, av1, true", "openh264, h264, true", "vp8, vp8, true",
        "x265, hevc, true"})
    void aLowerBitrateShowsInTheOutputFromTheNextFrame(String choice, String codec, boolean reopens) {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.parse(choice))
                .codec(Codec.parse(codec)).bitrate(4_000_000).build(), StreamMeters.noop());

        List<EncodedPacket> packets = encodeNoise(encode, 320, 240, i -> {
            if (i == CHANGE) {
                encode.setBitrate(300_000);
            }
        });

        assertThat(packets).hasSize(FRAMES);
        assertThat(encode.settings().bitrate()).isEqualTo(300_000);
        // Noise takes every bit it is given: 50 frames at 4 Mbit/s are about 830 kB, at 300 kbit/s about
        // 63 kB. Ten frames are left for the rate control to settle after the change.
        long before = bytes(packets, 10, CHANGE);
        long after = bytes(packets, CHANGE + 10, FRAMES);
        assertThat(after).as("bytes of frames 70..119 at 300k against 10..59 at 4M (%d)", before)
                .isLessThan(before / 4);
        // x264 reconfigures in place: no keyframe; the others re-open, and their first frame is one.
        if (reopens) {
            assertThat(keyframes(packets)).contains(0L, (long) CHANGE);
        } else {
            assertThat(keyframes(packets)).containsExactly(0L);
        }
        CodecConfig first = packets.get(0).config();
        CodecConfig last = packets.get(FRAMES - 1).config();
        if (codec.equals("vp9")) {
            // VP9's level follows the bitrate: 4 Mbit/s at 320x240 is level 3, 300 kbit/s level 2.
            assertThat(first.codecString()).isEqualTo("vp09.00.30.08");
            assertThat(last.codecString()).isEqualTo("vp09.00.20.08");
        } else if (last.codecString().equals(first.codecString())) {
            // Same size, same codec parameters: the configuration object does not change, re-opened or not.
            assertThat(last).isSameAs(first);
        } else {
            // OpenH264 and x265 pick their level from the bitrate, and say so in a new SPS.
            assertThat(choice).isIn("openh264", "x265");
            assertThat(List.of(first.width(), first.height(), last.width(), last.height())).containsExactly(320, 240, 320, 240);
        }
        try (VideoDecoder decoder = VideoDecoder.forCodec(Codec.parse(codec))) {
            List<DecodedPicture> pictures = new ArrayList<>();
            for (EncodedPacket p : packets) {
                pictures.addAll(decoder.decode(p.bytes(), p.sequence()));
            }
            pictures.addAll(decoder.flush());
            assertThat(pictures).hasSize(FRAMES);
            assertThat(decoder.errors()).isZero();
        }
    }

    @Test
    void aNewFrameRateReopensWithAKeyframe() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.X264).build(),
                StreamMeters.noop());

        List<EncodedPacket> packets = encodeNoise(encode, 160, 120, i -> {
            if (i == CHANGE) {
                encode.setFrameRate(60);
            }
        });

        assertThat(encode.settings().frameRate()).isEqualTo(60);
        assertThat(keyframes(packets)).containsExactly(0L, (long) CHANGE);
        assertThat(packets).extracting(EncodedPacket::sequence).hasSize(FRAMES).doesNotHaveDuplicates();
    }

    @Test
    void outOfBoundsChangesAreRefusedAndChangeNothing() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), StreamMeters.noop());

        assertThatThrownBy(() -> encode.setBitrate(10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bitrate 10 bit/s is outside");
        assertThatThrownBy(() -> encode.setFrameRate(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame rate 0 fps is outside");
        assertThat(encode.settings()).isEqualTo(EncoderSettings.defaults());
    }

    @Test
    void intraRefreshReplacesPeriodicKeyframesWithEvenFrameSizes() {
        // A short keyframe interval so that 120 frames hold several periods; moving blocks, whose P frames
        // are far smaller than an IDR frame, as on a screen.
        EncoderSettings periodic = EncoderSettings.builder().encoder(EncoderChoice.X264).keyframeIntervalFrames(30)
                .bitrate(2_000_000).build();
        IntFunction<RgbImage> blocks = i -> TestStreams.picture(320, 240, i);
        List<EncodedPacket> idr = encode(EncodeVideo.create(periodic, StreamMeters.noop()), blocks, i -> { });
        List<EncodedPacket> refreshed = encode(EncodeVideo.create(periodic.withIntraRefresh(true),
                StreamMeters.noop()), blocks, i -> { });

        assertThat(keyframes(idr)).containsExactly(0L, 30L, 60L, 90L);
        // x264 flags the frame ending each refresh sweep (30, 60, 90) as a keyframe; it is a recovery point,
        // not an IDR, so the stage does not call it one.
        assertThat(keyframes(refreshed)).as("only the first frame is an IDR").containsExactly(0L);
        // Without IDR frames the largest frame after the first is far from the periodic keyframes' size
        // (about half of it at this small size, where each refresh column is a large share of the frame).
        int largestIdr = idr.stream().skip(1).filter(EncodedPacket::keyframe).mapToInt(EncodedPacket::size).max()
                .orElseThrow();
        int largestRefreshed = refreshed.stream().skip(1).mapToInt(EncodedPacket::size).max().orElseThrow();
        assertThat(largestRefreshed).as("largest frame with intra refresh, against the periodic IDRs' %d B", largestIdr)
                .isLessThan(largestIdr * 6 / 10);
        try (VideoDecoder decoder = VideoDecoder.forCodec(Codec.H264)) {
            int pictures = 0;
            for (EncodedPacket p : refreshed) {
                pictures += decoder.decode(p.bytes(), p.sequence()).size();
            }
            pictures += decoder.flush().size();
            assertThat(pictures).isEqualTo(FRAMES);
            assertThat(decoder.errors()).isZero();
        }
    }
}
