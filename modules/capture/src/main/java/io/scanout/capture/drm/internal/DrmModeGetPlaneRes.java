package io.scanout.capture.drm.internal;

import com.sun.jna.Structure.FieldOrder;
import io.scanout.capture.vfio.internal.KernelStruct;

/** {@code struct drm_mode_get_plane_res}: the argument of {@code DRM_IOCTL_MODE_GETPLANERESOURCES}. */
@FieldOrder({"plane_id_ptr", "count_planes"})
public final class DrmModeGetPlaneRes extends KernelStruct {
    public long plane_id_ptr;
    public int count_planes;
}
