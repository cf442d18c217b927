package io.scanout.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.synthetic.SyntheticSettings;
import io.scanout.capture.synthetic.SyntheticSource;
import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameSourcesTest {
    private final FramePool pool = new FramePool();
    private final StreamMeters meters = StreamMeters.noop();

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void opensASyntheticSourceWithoutStartingIt() {
        FrameSource source = FrameSources.open("synthetic:640x360@60?format=XB24", pool, meters);

        assertThat(source).isInstanceOf(SyntheticSource.class);
        assertThat(((SyntheticSource) source).settings())
                .isEqualTo(new SyntheticSettings(640, 360, 60, DrmFormat.XB24));
        assertThat(source.uri()).isEqualTo("synthetic:640x360@60?format=XB24");
        assertThat(pool.stats().acquired()).isZero();
    }

    @Test
    void syntheticDefaults() {
        SyntheticSource source = (SyntheticSource) FrameSources.open("synthetic:", pool, meters);
        assertThat(source.settings()).isEqualTo(new SyntheticSettings(1280, 720, 30, DrmFormat.XR24));

        SyntheticSource sized = (SyntheticSource) FrameSources.open("synthetic:1920x1080", pool, meters);
        assertThat(sized.settings()).isEqualTo(new SyntheticSettings(1920, 1080, 30, DrmFormat.XR24));

        SyntheticSource rated = (SyntheticSource) FrameSources.open("synthetic:@5?format=rg16", pool, meters);
        assertThat(rated.settings()).isEqualTo(new SyntheticSettings(1280, 720, 5, DrmFormat.RG16));
    }

    @Test
    void unknownSchemeListsTheKnownOnes() {
        assertThat(FrameSources.schemes()).contains("synthetic");
        assertThatThrownBy(() -> FrameSources.open("rtsp://cam/1", pool, meters))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source URI 'rtsp://cam/1': unknown scheme 'rtsp' (known: "
                        + String.join(", ", FrameSources.schemes()) + ")");
    }

    @Test
    void invalidSyntheticUrisSayWhatIsWrong() {
        assertThatThrownBy(() -> FrameSources.open("synthetic:8x8@30", pool, meters))
                .hasMessage("source URI 'synthetic:8x8@30': size 8x8 is outside 16x16..7680x4320");
        assertThatThrownBy(() -> FrameSources.open("synthetic:8000x4000", pool, meters))
                .hasMessage("source URI 'synthetic:8000x4000': size 8000x4000 is outside 16x16..7680x4320");
        assertThatThrownBy(() -> FrameSources.open("synthetic:1280x720@0", pool, meters))
                .hasMessage("source URI 'synthetic:1280x720@0': frame rate 0 is outside 1..240");
        assertThatThrownBy(() -> FrameSources.open("synthetic:1280x720@99999999999", pool, meters))
                .hasMessage("source URI 'synthetic:1280x720@99999999999': frame rate 99999999999 is outside 1..240");
        assertThatThrownBy(() -> FrameSources.open("synthetic:big", pool, meters))
                .hasMessage("source URI 'synthetic:big': the target is WIDTHxHEIGHT@FPS, e.g. synthetic:1280x720@30,"
                        + " not 'big'");
        assertThatThrownBy(() -> FrameSources.open("synthetic:1280x720?format=NV12", pool, meters))
                .hasMessage("source URI 'synthetic:1280x720?format=NV12': format NV12 is not one the synthetic source"
                        + " draws (XR24, AR24, XB24, AB24, RG24, BG24, RG16, XR30, AR30)");
        assertThatThrownBy(() -> FrameSources.open("synthetic:1280x720?format=ZZ99", pool, meters))
                .hasMessage("source URI 'synthetic:1280x720?format=ZZ99': format 'ZZ99' is unknown; the synthetic"
                        + " source draws XR24, AR24, XB24, AB24, RG24, BG24, RG16, XR30, AR30");
        assertThatThrownBy(() -> FrameSources.open("synthetic:1280x720?fps=60", pool, meters))
                .hasMessage("source URI 'synthetic:1280x720?fps=60': unknown parameter 'fps' for synthetic"
                        + " (known: format)");
    }
}
