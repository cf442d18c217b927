package io.scanout.capture.drm.internal;

import io.scanout.capture.vfio.internal.HeaderProbe;
import io.scanout.capture.vfio.internal.KernelStruct;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DRM struct layouts and ioctl numbers against gcc's reading of the machine's DRM uapi
 * headers: the kernel's own ({@code /usr/include/drm}) where installed, else libdrm's copies
 * ({@code /usr/include/libdrm}, package {@code libdrm-dev}).
 */
class DrmAbiTest {
    @TempDir
    Path dir;

    private record Mirror(String struct, KernelStruct java, List<String> fields) {
    }

    private static List<Mirror> mirrors() {
        return List.of(
                new Mirror("drm_mode_fb_cmd2", new DrmModeFbCmd2(),
                        List.of("fb_id", "width", "height", "pixel_format", "flags", "handles", "pitches", "offsets",
                                "modifier")),
                new Mirror("drm_prime_handle", new DrmPrimeHandle(), List.of("handle", "flags", "fd")),
                new Mirror("drm_mode_get_plane_res", new DrmModeGetPlaneRes(), List.of("plane_id_ptr", "count_planes")),
                new Mirror("drm_mode_get_plane", new DrmModeGetPlane(), List.of("plane_id", "crtc_id", "fb_id",
                        "possible_crtcs", "gamma_size", "count_format_types", "format_type_ptr")),
                new Mirror("drm_set_client_cap", new DrmSetClientCap(), List.of("capability", "value")),
                new Mirror("drm_gem_close", new DrmGemClose(), List.of("handle", "pad")));
    }

    private static Map<String, Long> constants() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("DRM_IOCTL_BASE", (long) DrmAbi.DRM_IOCTL_BASE);
        c.put("DRM_IOCTL_GEM_CLOSE", DrmAbi.DRM_IOCTL_GEM_CLOSE);
        c.put("DRM_IOCTL_SET_CLIENT_CAP", DrmAbi.DRM_IOCTL_SET_CLIENT_CAP);
        c.put("DRM_IOCTL_PRIME_HANDLE_TO_FD", DrmAbi.DRM_IOCTL_PRIME_HANDLE_TO_FD);
        c.put("DRM_IOCTL_MODE_GETPLANERESOURCES", DrmAbi.DRM_IOCTL_MODE_GETPLANERESOURCES);
        c.put("DRM_IOCTL_MODE_GETPLANE", DrmAbi.DRM_IOCTL_MODE_GETPLANE);
        c.put("DRM_IOCTL_MODE_GETFB2", DrmAbi.DRM_IOCTL_MODE_GETFB2);
        c.put("DRM_CLIENT_CAP_UNIVERSAL_PLANES", (long) DrmAbi.DRM_CLIENT_CAP_UNIVERSAL_PLANES);
        c.put("DRM_MODE_FB_MODIFIERS", (long) DrmAbi.DRM_MODE_FB_MODIFIERS);
        c.put("DRM_CLOEXEC", (long) DrmAbi.DRM_CLOEXEC);
        c.put("DRM_RDWR", (long) DrmAbi.DRM_RDWR);
        return c;
    }

    @Test
    void structsAndIoctlsMatchTheDrmHeaders() throws Exception {
        String base = Files.exists(Path.of("/usr/include/drm/drm_mode.h")) ? "drm" : "libdrm";
        HeaderProbe probe = HeaderProbe.requiring("fcntl.h", base + "/drm.h", base + "/drm_mode.h");
        for (Mirror m : mirrors()) {
            probe.sizeOf(m.struct);
            m.fields.forEach(f -> probe.offsetOf(m.struct, f));
        }
        constants().keySet().forEach(probe::value);
        Map<String, Long> c = probe.run(dir);

        SoftAssertions soft = new SoftAssertions();
        for (Mirror m : mirrors()) {
            soft.assertThat((long) m.java.size()).as("sizeof %s", m.struct).isEqualTo(c.get("sizeof " + m.struct));
            m.fields.forEach(f -> soft.assertThat((long) m.java.offsetOf(f)).as("offsetof %s.%s", m.struct, f)
                    .isEqualTo(c.get("offsetof " + m.struct + "." + f)));
        }
        constants().forEach((name, java) -> soft.assertThat(java).as(name).isEqualTo(c.get(name)));
        soft.assertAll();
    }
}
