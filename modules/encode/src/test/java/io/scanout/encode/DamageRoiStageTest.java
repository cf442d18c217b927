package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Codec;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.internal.FfmpegEncoder;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.Noise;
import io.scanout.encode.testing.Psnr;
import io.scanout.encode.testing.VideoDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The damage a {@code FrameEvent} carries reaches the encoder through {@link EncodeVideo}: x264 given
 * noise everywhere but damage on the left half only spends its bits there when {@code damageRoi} is
 * on (the default), and not when it is off.
 */
class DamageRoiStageTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES = 24;
    private static final Rect LEFT = new Rect(0, 0, WIDTH / 2, HEIGHT);
    private static final Rect RIGHT = new Rect(WIDTH / 2, 0, WIDTH / 2, HEIGHT);

    private final FramePool pool = new FramePool();

    @AfterEach
    void everyFrameIsBack() {
        assertThat(pool.stats().outstanding()).isZero();
        assertThat(FfmpegEncoder.framesHeldByFfmpeg()).isZero();
        pool.close();
    }

    @Test
    void theEventsDamageDecidesWhereX264SpendsItsBits() {
        EncoderSettings settings = EncoderSettings.builder().encoder(EncoderChoice.X264).bitrate(3_000_000).build();

        double[] on = leftAndRight(settings);
        double[] off = leftAndRight(settings.withDamageRoi(false));

        assertThat(on[0] - on[1]).as("regions on: left %.2f dB, right %.2f dB", on[0], on[1]).isGreaterThan(1.0);
        assertThat(Math.abs(off[0] - off[1])).as("regions off: left %.2f dB, right %.2f dB", off[0], off[1])
                .isLessThan(0.5);
    }

    private double[] leftAndRight(EncoderSettings settings) {
        EncodeVideo encode = EncodeVideo.create(settings, StreamMeters.noop());
        List<EncodedPacket> packets = Flux.range(0, FRAMES)
                .map(i -> TestStreams.event(pool, DrmFormat.NV12, picture(i), i)
                        .withDamage(i == 0 ? Damage.whole() : Damage.of(LEFT)))
                .transform(encode).collectList().block(Duration.ofSeconds(60));
        assertThat(packets).hasSize(FRAMES);
        double left = 0;
        double right = 0;
        try (VideoDecoder decoder = VideoDecoder.forCodec(Codec.H264)) {
            List<DecodedPicture> pictures = new ArrayList<>();
            for (EncodedPacket p : packets) {
                pictures.addAll(decoder.decode(p.bytes(), p.sequence()));
            }
            pictures.addAll(decoder.flush());
            assertThat(decoder.errors()).isZero();
            assertThat(pictures).hasSize(FRAMES);
            // The first frames are the keyframe and rate control settling in.
            for (DecodedPicture picture : pictures.subList(6, FRAMES)) {
                left += Psnr.of(picture((int) picture.pts()), picture, LEFT);
                right += Psnr.of(picture((int) picture.pts()), picture, RIGHT);
            }
        }
        return new double[] {left / (FRAMES - 6), right / (FRAMES - 6)};
    }

    private static Noise picture(int index) {
        return new Noise(WIDTH, HEIGHT, 1000 + index, 48);
    }
}
