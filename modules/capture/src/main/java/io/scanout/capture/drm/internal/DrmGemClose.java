package io.scanout.capture.drm.internal;

import com.sun.jna.Structure.FieldOrder;
import io.scanout.capture.vfio.internal.KernelStruct;

/** {@code struct drm_gem_close}: the argument of {@code DRM_IOCTL_GEM_CLOSE}. */
@FieldOrder({"handle", "pad"})
public final class DrmGemClose extends KernelStruct {
    public int handle;
    public int pad;
}
