package io.scanout.capture.drm.internal;

import io.scanout.capture.vfio.internal.StructMirror;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private static List<StructMirror> mirrors() {
        return List.of(
                StructMirror.sameNames("drm_mode_fb_cmd2", new DrmModeFbCmd2(), "fb_id", "width", "height",
                        "pixel_format", "flags", "handles", "pitches", "offsets", "modifier"),
                StructMirror.sameNames("drm_prime_handle", new DrmPrimeHandle(), "handle", "flags", "fd"),
                StructMirror.sameNames("drm_mode_get_plane_res", new DrmModeGetPlaneRes(), "plane_id_ptr",
                        "count_planes"),
                StructMirror.sameNames("drm_mode_get_plane", new DrmModeGetPlane(), "plane_id", "crtc_id", "fb_id",
                        "possible_crtcs", "gamma_size", "count_format_types", "format_type_ptr"),
                StructMirror.sameNames("drm_set_client_cap", new DrmSetClientCap(), "capability", "value"),
                StructMirror.sameNames("drm_gem_close", new DrmGemClose(), "handle", "pad"));
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
        StructMirror.assertMatch(dir, List.of("fcntl.h", base + "/drm.h", base + "/drm_mode.h"), mirrors(), constants());
    }
}
