package io.scanout.encode;

import static io.scanout.encode.testing.HalfDamagedNoise.FRAMES;
import static io.scanout.encode.testing.HalfDamagedNoise.LEFT;
import static io.scanout.encode.testing.HalfDamagedNoise.leftAndRightPsnr;
import static io.scanout.encode.testing.HalfDamagedNoise.picture;
import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Codec;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.FrameLeaks;
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
    private final FramePool pool = new FramePool();

    @AfterEach
    void everyFrameIsBack() throws InterruptedException {
        FrameLeaks.assertNoneHeldThenClose(pool);
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
        try (VideoDecoder decoder = VideoDecoder.forCodec(Codec.H264)) {
            List<DecodedPicture> pictures = new ArrayList<>();
            for (EncodedPacket p : packets) {
                pictures.addAll(decoder.decode(p.bytes(), p.sequence()));
            }
            pictures.addAll(decoder.flush());
            assertThat(decoder.errors()).isZero();
            assertThat(pictures).extracting(DecodedPicture::pts).as("decoded in order")
                    .containsExactlyElementsOf(packets.stream().map(EncodedPacket::sequence).toList());
            return leftAndRightPsnr(pictures);
        }
    }
}
