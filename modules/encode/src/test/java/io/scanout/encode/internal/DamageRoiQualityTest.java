package io.scanout.encode.internal;

import static io.scanout.encode.testing.HalfDamagedNoise.FRAMES;
import static io.scanout.encode.testing.HalfDamagedNoise.HEIGHT;
import static io.scanout.encode.testing.HalfDamagedNoise.LEFT;
import static io.scanout.encode.testing.HalfDamagedNoise.WIDTH;
import static io.scanout.encode.testing.HalfDamagedNoise.leftAndRightPsnr;
import static io.scanout.encode.testing.HalfDamagedNoise.picture;
import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Damage;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.FrameLeaks;
import io.scanout.encode.testing.VideoDecoder;
import io.scanout.encode.testing.YuvFrames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damage as regions of interest, end to end through the real encoders and FFmpeg's own decoders: a
 * picture that changes everywhere every frame, with damage saying only its left half did. With
 * regions on, the encoder spends its bits on the left, which decodes clearly closer to the original
 * than the right; with them off the two halves come out alike. (Real content only changes where the
 * damage says; noise everywhere makes the halves compete for the same bits, so the offset shows.)
 * Seen here (FFmpeg 8.1): damaged half ahead by 5.6 dB with x264, 5.2 with x265, 3.0 with VP9, 1.4
 * with VP8 (whose segment deltas are coarser); within 0.05 dB of each other with regions off.
 */
class DamageRoiQualityTest {
    private final FramePool pool = new FramePool();

    @AfterEach
    void everyFrameIsBack() throws InterruptedException {
        FrameLeaks.assertNoneHeldThenClose(pool);
    }

    @ParameterizedTest
    @EnumSource(names = {"X264", "X265", "VPX_VP8", "VPX_VP9"})
    void theDamagedHalfDecodesBetterOnlyWithRegionsOn(EncoderCandidate encoder) {
        double[] on = halvesPsnr(encoder, true);
        double[] off = halvesPsnr(encoder, false);

        assertThat(on[0] - on[1]).as("%s with regions: left %.2f dB, right %.2f dB", encoder, on[0], on[1])
                .isGreaterThan(1.0);
        assertThat(Math.abs(off[0] - off[1])).as("%s without: left %.2f dB, right %.2f dB", encoder, off[0], off[1])
                .isLessThan(0.5);
    }

    /**
     * Mean PSNR of the left and right halves over the measured frames. At 3 Mbit/s the noise is coded
     * at mid-range quantizers (about 29-30 dB), where an offset has room both ways; at a few hundred
     * kbit/s every encoder sits at its coarsest quantizer and no offset can show.
     */
    private double[] halvesPsnr(EncoderCandidate encoder, boolean regions) {
        VideoFormat format = new VideoFormat(encoder.inputFormat(), WIDTH, HEIGHT);
        EncoderSettings settings = EncoderSettings.defaults().withBitrate(3_000_000).withDamageRoi(regions);
        List<byte[]> packets = new ArrayList<>();
        PacketSink sink = (data, pts, keyframe) -> packets.add(data);
        try (FfmpegEncoder ffmpeg = new FfmpegEncoder(encoder, format, settings)) {
            for (int i = 0; i < FRAMES; i++) {
                Frame frame = YuvFrames.draw(pool, format.format(), picture(i));
                try {
                    ffmpeg.send(frame, Damage.of(LEFT), i * 33_333L, false);
                } finally {
                    frame.release();
                }
                ffmpeg.receive(sink);
            }
            ffmpeg.flush(sink);
        }
        assertThat(packets).hasSize(FRAMES);
        try (VideoDecoder decoder = VideoDecoder.forCodec(encoder.codec())) {
            List<DecodedPicture> decoded = new ArrayList<>();
            for (byte[] packet : packets) {
                decoded.addAll(decoder.decode(packet));
            }
            decoded.addAll(decoder.flush());
            assertThat(decoder.errors()).isZero();
            return leftAndRightPsnr(decoded);
        }
    }
}
