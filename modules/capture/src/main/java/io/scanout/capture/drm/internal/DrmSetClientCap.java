package io.scanout.capture.drm.internal;

import com.sun.jna.Structure.FieldOrder;
import io.scanout.capture.vfio.internal.KernelStruct;

/** {@code struct drm_set_client_cap}: the argument of {@code DRM_IOCTL_SET_CLIENT_CAP}. */
@FieldOrder({"capability", "value"})
public final class DrmSetClientCap extends KernelStruct {
    public long capability;
    public long value;
}
