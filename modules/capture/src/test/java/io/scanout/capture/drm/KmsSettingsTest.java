package io.scanout.capture.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.FrameSources;
import io.scanout.capture.SourceUri;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KmsSettingsTest {
    @Test
    void parsesCardRatePlaneAndCrtc() {
        assertThat(KmsSettings.parse(SourceUri.parse("drm:/dev/dri/card0")))
                .isEqualTo(new KmsSettings(Path.of("/dev/dri/card0"), 60, 0, 0));
        assertThat(KmsSettings.parse(SourceUri.parse("drm:/dev/dri/card1?fps=30&plane=31&crtc=40")))
                .isEqualTo(new KmsSettings(Path.of("/dev/dri/card1"), 30, 31, 40));
        assertThat(new KmsSettings(Path.of("/dev/dri/card1"), 30, 31, 0).toUri()).isEqualTo("drm:/dev/dri/card1?fps=30&plane=31");
    }

    @Test
    void badUrisSayWhatIsWrong() {
        assertThatThrownBy(() -> KmsSettings.parse(SourceUri.parse("drm:card0")))
                .hasMessage("source URI 'drm:card0': a drm URI names a card node, e.g. drm:/dev/dri/card0");
        assertThatThrownBy(() -> KmsSettings.parse(SourceUri.parse("drm:/dev/dri/card0?plane=-1")))
                .hasMessage("source URI 'drm:/dev/dri/card0?plane=-1': parameter 'plane' must be in 0..2147483647, not -1");
        assertThatThrownBy(() -> KmsSettings.parse(SourceUri.parse("drm:/dev/dri/card0?connector=1")))
                .hasMessage("source URI 'drm:/dev/dri/card0?connector=1': unknown parameter 'connector' for drm"
                        + " (known: fps, plane, crtc)");
    }

    @Test
    void frameSourcesOpensADrmSourceWithoutTouchingTheCard() {
        try (FramePool pool = new FramePool()) {
            assertThat(FrameSources.open("drm:/dev/dri/card7", pool, StreamMeters.noop())).isInstanceOf(KmsSource.class);
            assertThat(FrameSources.schemes()).contains("drm");
        }
    }
}
