package io.scanout.capture.drm.internal;

import io.scanout.capture.vfio.internal.Ioc;

/**
 * The DRM numbers KMS capture uses, as {@code drm.h} and {@code drm_mode.h} (libdrm's copies of
 * the kernel uapi) define them; {@code DrmAbiTest} compiles those headers and compares each.
 * Requests are {@code DRM_IOW}/{@code DRM_IOWR} with type {@code 'd'} and the struct's size.
 */
public final class DrmAbi {
    public static final char DRM_IOCTL_BASE = 'd';

    public static final long DRM_IOCTL_GEM_CLOSE = Ioc.iow(DRM_IOCTL_BASE, 0x09, 8);
    public static final long DRM_IOCTL_SET_CLIENT_CAP = Ioc.iow(DRM_IOCTL_BASE, 0x0d, 16);
    public static final long DRM_IOCTL_PRIME_HANDLE_TO_FD = Ioc.iowr(DRM_IOCTL_BASE, 0x2d, 12);
    public static final long DRM_IOCTL_MODE_GETPLANERESOURCES = Ioc.iowr(DRM_IOCTL_BASE, 0xB5, 16);
    public static final long DRM_IOCTL_MODE_GETPLANE = Ioc.iowr(DRM_IOCTL_BASE, 0xB6, 32);
    public static final long DRM_IOCTL_MODE_GETFB2 = Ioc.iowr(DRM_IOCTL_BASE, 0xCE, 104);

    public static final int DRM_CLIENT_CAP_UNIVERSAL_PLANES = 2;
    /** {@code drm_mode_fb_cmd2.flags}: the {@code modifier} array is valid. */
    public static final int DRM_MODE_FB_MODIFIERS = 1 << 1;
    /** {@code drm_prime_handle.flags}: {@code DRM_CLOEXEC}, which is {@code O_CLOEXEC}. */
    public static final int DRM_CLOEXEC = 02000000;
    public static final int DRM_RDWR = 02;

    private DrmAbi() {
    }
}
