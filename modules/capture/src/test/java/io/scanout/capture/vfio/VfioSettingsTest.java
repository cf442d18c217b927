package io.scanout.capture.vfio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.FrameSource;
import io.scanout.capture.FrameSources;
import io.scanout.capture.SourceUri;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VfioSettingsTest {
    private static final String UUID = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";

    @Test
    void parsesTheDeviceRateAndPlaneKind() {
        assertThat(VfioSettings.parse(SourceUri.parse("vfio:" + UUID))).isEqualTo(new VfioSettings(UUID, 60, null));
        assertThat(VfioSettings.parse(SourceUri.parse("vfio:0000:00:02.0?fps=30&plane=region")))
                .isEqualTo(new VfioSettings("0000:00:02.0", 30, PlaneKind.REGION));
        assertThat(VfioSettings.parse(SourceUri.parse("vfio:/sys/bus/mdev/devices/" + UUID + "?plane=dmabuf")).plane())
                .isEqualTo(PlaneKind.DMABUF);
        assertThat(new VfioSettings(UUID, 30, null).toUri()).isEqualTo("vfio:" + UUID + "?fps=30&plane=auto");
    }

    @Test
    void devicesResolveToSysfs() {
        assertThat(VfioDevices.sysfsPath(UUID)).isEqualTo(Path.of("/sys/bus/mdev/devices", UUID));
        assertThat(VfioDevices.sysfsPath("0000:00:02.0")).isEqualTo(Path.of("/sys/bus/pci/devices/0000:00:02.0"));
        assertThat(VfioDevices.sysfsPath("/sys/devices/x")).isEqualTo(Path.of("/sys/devices/x"));
    }

    @Test
    void badUrisSayWhatIsWrong() {
        assertThatThrownBy(() -> VfioSettings.parse(SourceUri.parse("vfio:gpu0")))
                .hasMessage("source URI 'vfio:gpu0': 'gpu0' is not a VFIO device: write an mdev UUID (e.g."
                        + " 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001), a PCI address (e.g. 0000:00:02.0) or a sysfs path");
        assertThatThrownBy(() -> VfioSettings.parse(SourceUri.parse("vfio:" + UUID + "?plane=tiles")))
                .hasMessage("source URI 'vfio:" + UUID + "?plane=tiles': plane 'tiles' is not auto, dmabuf or region");
        assertThatThrownBy(() -> VfioSettings.parse(SourceUri.parse("vfio:" + UUID + "?fps=999")))
                .hasMessage("source URI 'vfio:" + UUID + "?fps=999': parameter 'fps' must be in 1..240, not 999");
        assertThatThrownBy(() -> VfioSettings.parse(SourceUri.parse("vfio:" + UUID + "?rate=1")))
                .hasMessage("source URI 'vfio:" + UUID + "?rate=1': unknown parameter 'rate' for vfio (known: fps, plane)");
    }

    @Test
    void frameSourcesOpensAVfioSourceWithoutTouchingTheDevice() {
        try (FramePool pool = new FramePool()) {
            FrameSource source = FrameSources.open("vfio:" + UUID + "?fps=30", pool, StreamMeters.noop());
            assertThat(source).isInstanceOf(VfioSource.class);
            assertThat(source.uri()).isEqualTo("vfio:" + UUID + "?fps=30");
            assertThat(FrameSources.schemes()).contains("vfio");
        }
    }
}
