package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.convert.Colorimetry;
import io.scanout.convert.ConvertSettings;
import io.scanout.convert.Scaling;
import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.YuvColour;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream's settings reach the stages its pipeline builds: the keep-alive its change detection
 * uses, and the colour, crop and scaling its convert stage writes — the colour being the one the
 * encoder signals, so the stream's pixels and its VUI agree.
 */
class StreamSettingsMappingTest {
    private static StreamSettings stream(EncoderSettings encoder) {
        return new StreamSettings("s", "synthetic:64x64@5", encoder);
    }

    @Test
    void theKeepAliveReachesChangeDetection() {
        try (FramePool pool = new FramePool(0)) {
            StreamSettings settings = stream(EncoderSettings.defaults());
            assertThat(StreamPipeline.changeDetection(settings, pool, StreamMeters.noop()).keepAliveInterval())
                    .isEqualTo(Duration.ofSeconds(1));
            assertThat(StreamPipeline.changeDetection(settings.withKeepAlive(Duration.ofMillis(250)), pool,
                    StreamMeters.noop()).keepAliveInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(StreamPipeline.changeDetection(settings.withKeepAlive(Duration.ZERO), pool,
                    StreamMeters.noop()).keepAliveInterval()).as("0 turns keep-alive off").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(YuvColour.class)
    void theConvertStageWritesTheColourTheEncoderSignals(YuvColour colour) {
        ConvertSettings convert = stream(EncoderSettings.defaults().withColour(colour)).convertSettings(DrmFormat.NV12);
        assertThat(convert.colorimetry().matrix())
                .isEqualTo(colour.bt601() ? Colorimetry.Matrix.BT601 : Colorimetry.Matrix.BT709);
        assertThat(convert.colorimetry().range())
                .isEqualTo(colour.fullRange() ? Colorimetry.Range.FULL : Colorimetry.Range.LIMITED);
        assertThat(convert.target()).isEqualTo(DrmFormat.NV12);
    }

    @Test
    void cropAndScalingReachTheConvertStage() {
        StreamSettings settings = new StreamSettings("s", "synthetic:64x64@5", Scaling.fitInside(32, 32),
                EncoderSettings.defaults(), io.scanout.transport.ViewerLimits.defaults())
                .withCrop(Optional.of(new Rect(8, 8, 48, 48)));
        ConvertSettings convert = settings.convertSettings(DrmFormat.YU12);
        assertThat(convert.crop()).contains(new Rect(8, 8, 48, 48));
        assertThat(convert.scaling()).isEqualTo(Scaling.fitInside(32, 32));
        assertThat(stream(EncoderSettings.defaults()).convertSettings(DrmFormat.NV12).crop()).isEmpty();
    }
}
