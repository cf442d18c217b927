package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvertSettings#withHighDepthTarget}: the target chosen frame by frame by the input's bit
 * depth, so 10-bit sources reach an encoder taking 10 bits as P010 and 8-bit ones stay 8-bit.
 */
class HighDepthTargetTest {
    private final FramePool pool = new FramePool();

    @AfterEach
    void nothingLeaks() {
        assertThat(pool.stats().outstanding()).as("frames not released").isZero();
        pool.close();
    }

    @Test
    void tenBitFormatsGoToTheHighDepthTargetAndTheRestToTheTarget() {
        ConvertSettings settings = ConvertSettings.to(DrmFormat.YU12).withHighDepthTarget(DrmFormat.P010);
        assertThat(settings.targetFor(DrmFormat.XR30)).isEqualTo(DrmFormat.P010);
        assertThat(settings.targetFor(DrmFormat.AR30)).isEqualTo(DrmFormat.P010);
        assertThat(settings.targetFor(DrmFormat.P010)).isEqualTo(DrmFormat.P010);
        assertThat(settings.targetFor(DrmFormat.XR24)).isEqualTo(DrmFormat.YU12);
        assertThat(settings.targetFor(DrmFormat.NV12)).isEqualTo(DrmFormat.YU12);
        assertThat(settings.withoutHighDepthTarget().targetFor(DrmFormat.XR30)).isEqualTo(DrmFormat.YU12);
        assertThat(ConvertSettings.to(DrmFormat.NV12).targetFor(DrmFormat.XR30)).isEqualTo(DrmFormat.NV12);
        assertThat(settings.withCrop(new io.scanout.core.Rect(0, 0, 8, 8)).withThreads(1).highDepthTarget())
                .contains(DrmFormat.P010);
        assertThatThrownBy(() -> settings.withHighDepthTarget(DrmFormat.XR30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not XR30");
    }

    @Test
    void oneConverterMakesP010OfAnXr30FrameAndYu12OfAnXr24OneKeepingTheLowBits() {
        ConvertSettings settings = ConvertSettings.to(DrmFormat.YU12).withHighDepthTarget(DrmFormat.P010);
        try (FrameConverter converter = FrameConverter.create(settings, pool)) {
            assertThat(converter.outputFormat(new VideoFormat(DrmFormat.XR30, 64, 32)))
                    .isEqualTo(new VideoFormat(DrmFormat.P010, 64, 32));
            assertThat(converter.passesThrough(new VideoFormat(DrmFormat.P010, 64, 32))).isTrue();
            assertThat(converter.passesThrough(new VideoFormat(DrmFormat.XR30, 64, 32))).isFalse();

            int[] lumas = new int[2];
            for (int i = 0; i < 2; i++) {
                // Greys 400 and 402 of 1023: less than one 8-bit step (four of these) apart, so only
                // 10 bits tell them apart.
                Frame xr30 = grey30(400 + 2 * i);
                Frame out = converter.convert(xr30);
                xr30.release();
                assertThat(out.format()).isEqualTo(DrmFormat.P010);
                ByteBuffer b = out.buffer().order(ByteOrder.LITTLE_ENDIAN);
                lumas[i] = (b.getShort((int) out.layout().offset(0)) & 0xffff) >> 6;
                out.release();
            }
            // Y = 64 + 876 × v / 1023 (BT.709 limited, 10 bits): 406.5 and 408.2; libswscale lands
            // within two codes (its exactness is ReferenceConversionTest's business), and keeps them apart.
            assertThat((double) lumas[0]).isCloseTo(406.5, org.assertj.core.data.Offset.offset(2.0));
            assertThat(lumas[1] - lumas[0]).as("10-bit greys %s", java.util.Arrays.toString(lumas)).isBetween(1, 2);

            Frame xr24 = pool.acquire(new VideoFormat(DrmFormat.XR24, 64, 32));
            Frame out = converter.convert(xr24);
            xr24.release();
            assertThat(out.format()).isEqualTo(DrmFormat.YU12);
            out.release();
        }
    }

    private Frame grey30(int level) {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR30, 64, 32));
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                b.putInt((int) (frame.layout().offset(0) + (long) y * frame.layout().stride(0) + 4L * x),
                        level << 20 | level << 10 | level);
            }
        }
        return frame;
    }
}
