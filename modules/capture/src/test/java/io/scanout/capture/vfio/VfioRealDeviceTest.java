package io.scanout.capture.vfio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.vfio.internal.VfioAbi;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Against real mediated devices where the machine has them; says why it skips where not. */
class VfioRealDeviceTest {
    @Test
    void aMissingDeviceIsAClearError() {
        assertThatThrownBy(() -> VfioDevices.open("00000000-0000-0000-0000-000000000000"))
                .isInstanceOf(VfioException.class)
                .hasMessage("no VFIO device 00000000-0000-0000-0000-000000000000: /sys/bus/mdev/devices/"
                        + "00000000-0000-0000-0000-000000000000 does not exist");
    }

    @Test
    void everyMediatedDeviceHereOpensProbesAndShowsItsPrimaryPlane() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/dev/vfio")),
                "no /dev/vfio on this machine (no VFIO driver loaded): the real-device test needs a vGPU or an mdev"
                        + " sample (modprobe mbochs; create one under /sys/class/mdev_bus/*/mdev_supported_types)");
        List<Path> devices = VfioDevices.mediatedDevices();
        Assumptions.assumeFalse(devices.isEmpty(), "/dev/vfio exists but " + VfioDevices.MDEV_DEVICES
                + " lists no mediated device to capture");
        for (Path sysfs : devices) {
            try (GfxDevice device = VfioDevices.open(sysfs.toString())) {
                boolean dmabuf = device.supports(PlaneKind.DMABUF);
                boolean region = device.supports(PlaneKind.REGION);
                if (!dmabuf && !region) {
                    continue;   // a mediated device without a display (e.g. a vfio-ap or ccw one)
                }
                GfxPlane primary = device.queryPlane(dmabuf ? PlaneKind.DMABUF : PlaneKind.REGION,
                        VfioAbi.DRM_PLANE_TYPE_PRIMARY);
                assertThat(primary).isNotNull();
            }
            try (FramePool pool = new FramePool()) {
                FrameEvent first = VfioSource.open(new VfioSettings(sysfs.toString(), 30, null), () -> VfioDevices.open(
                        sysfs.toString()), pool, StreamMeters.noop()).frames().blockFirst(Duration.ofSeconds(20));
                assertThat(first).isNotNull();
                assertThat(first.formatChange()).isPresent();
                first.release();
            }
        }
    }
}
