package io.scanout.capture.drm.internal;

import com.sun.jna.Structure.FieldOrder;
import io.scanout.capture.vfio.internal.KernelStruct;

/** {@code struct drm_mode_get_plane}: the argument of {@code DRM_IOCTL_MODE_GETPLANE}. */
@FieldOrder({"plane_id", "crtc_id", "fb_id", "possible_crtcs", "gamma_size", "count_format_types", "format_type_ptr"})
public final class DrmModeGetPlane extends KernelStruct {
    public int plane_id;
    public int crtc_id;
    public int fb_id;
    public int possible_crtcs;
    public int gamma_size;
    public int count_format_types;
    public long format_type_ptr;
}
