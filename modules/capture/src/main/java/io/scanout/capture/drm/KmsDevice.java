package io.scanout.capture.drm;

import java.util.List;

/**
 * The few KMS calls scanout capture needs (those ffmpeg's kmsgrab makes), so the capture logic
 * runs the same against a real {@code /dev/dri/cardN} ({@link KmsDevices#open}) and an emulated
 * device in tests. Used by one thread, the KMS source's poller; every call blocks for one
 * {@code ioctl} and fails with a {@link DrmException} naming it and the errno.
 */
public interface KmsDevice extends AutoCloseable {
    String name();

    /** {@code DRM_IOCTL_MODE_GETPLANERESOURCES}: every plane id (with universal planes on: primary and cursor too). */
    List<Integer> planeIds();

    /** {@code DRM_IOCTL_MODE_GETPLANE}. */
    KmsPlane plane(int planeId);

    /** {@code DRM_IOCTL_MODE_GETFB2}: the framebuffer, with new GEM handles the caller closes. */
    KmsFramebuffer framebuffer(int fbId);

    /** {@code DRM_IOCTL_PRIME_HANDLE_TO_FD}: a dma-buf fd for a GEM handle; the caller owns and closes it. */
    int primeFd(int handle);

    /** {@code DRM_IOCTL_GEM_CLOSE}: drops a GEM handle from {@link #framebuffer}. */
    void closeHandle(int handle);

    @Override
    void close();
}
