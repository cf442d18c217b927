package io.scanout.capture.drm.internal;

import com.sun.jna.Structure.FieldOrder;
import io.scanout.capture.vfio.internal.KernelStruct;

/** {@code struct drm_prime_handle}: the argument of {@code DRM_IOCTL_PRIME_HANDLE_TO_FD}. */
@FieldOrder({"handle", "flags", "fd"})
public final class DrmPrimeHandle extends KernelStruct {
    public int handle;
    public int flags;
    public int fd;
}
