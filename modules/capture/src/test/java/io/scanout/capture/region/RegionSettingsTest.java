package io.scanout.capture.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.FrameSource;
import io.scanout.capture.FrameSources;
import io.scanout.capture.SourceUri;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RegionSettingsTest {
    @Test
    void parsesPathRateAndTimeout() {
        assertThat(RegionSettings.parse(SourceUri.parse("region:/dev/shm/fb")))
                .isEqualTo(new RegionSettings(Path.of("/dev/shm/fb"), 60, 2000));
        assertThat(RegionSettings.parse(SourceUri.parse("region:/dev/shm/my%20fb?fps=30&timeout=500")))
                .isEqualTo(new RegionSettings(Path.of("/dev/shm/my fb"), 30, 500));
        assertThat(new RegionSettings(Path.of("/x"), 30, 500).toUri()).isEqualTo("region:/x?fps=30&timeout=500");
        assertThat(new RegionSettings(Path.of("/x"), 30, 500).periodNanos()).isEqualTo(33_333_333);
        RegionSettings vfio = RegionSettings.parse(SourceUri.parse("region:0000:00:02.0?vfio-region=9"));
        assertThat(vfio).isEqualTo(new RegionSettings("0000:00:02.0", 60, 2000, 9));
        assertThat(vfio.isVfio()).isTrue();
        assertThat(vfio.name()).isEqualTo("region 9 of 0000:00:02.0");
        assertThat(vfio.toUri()).isEqualTo("region:0000:00:02.0?fps=60&timeout=2000&vfio-region=9");
    }

    @Test
    void badUrisSayWhatIsWrong() {
        assertThatThrownBy(() -> RegionSettings.parse(SourceUri.parse("region:")))
                .hasMessage("source URI 'region:': a region URI names a file, e.g. region:/dev/shm/scanout-fb?fps=60");
        assertThatThrownBy(() -> RegionSettings.parse(SourceUri.parse("region:/fb?fps=0")))
                .hasMessage("source URI 'region:/fb?fps=0': parameter 'fps' must be in 1..240, not 0");
        assertThatThrownBy(() -> RegionSettings.parse(SourceUri.parse("region:/fb?timeout=5")))
                .hasMessage("source URI 'region:/fb?timeout=5': parameter 'timeout' must be in 10..600000, not 5");
        assertThatThrownBy(() -> RegionSettings.parse(SourceUri.parse("region:/fb?rate=5")))
                .hasMessage("source URI 'region:/fb?rate=5': unknown parameter 'rate' for region (known: fps, timeout,"
                        + " vfio-region)");
        assertThatThrownBy(() -> RegionSettings.parse(SourceUri.parse("region:gpu0?vfio-region=1")))
                .hasMessageStartingWith("source URI 'region:gpu0?vfio-region=1': 'gpu0' is not a VFIO device");
        assertThatThrownBy(() -> RegionSettings.parse(SourceUri.parse("region:/a%00b")))
                .hasMessageStartingWith("source URI 'region:/a%00b': '/a\0b' is not a path");
        assertThatThrownBy(() -> RegionSettings.parse(SourceUri.parse("synthetic:")))
                .hasMessage("source URI 'synthetic:' is not a region: URI");
    }

    @Test
    void frameSourcesOpensARegionWithoutTouchingTheFile() {
        try (FramePool pool = new FramePool()) {
            FrameSource source = FrameSources.open("region:/nonexistent/fb?fps=30", pool, StreamMeters.noop());
            assertThat(source).isInstanceOf(RegionSource.class);
            assertThat(((RegionSource) source).settings()).isEqualTo(new RegionSettings(Path.of("/nonexistent/fb"), 30, 2000));
            assertThat(source.uri()).isEqualTo("region:/nonexistent/fb?fps=30");
            assertThat(FrameSources.schemes()).contains("region");
        }
    }
}
