package io.scanout.capture.drm;

/**
 * A plane as {@code DRM_IOCTL_MODE_GETPLANE} reports it.
 *
 * @param fbId          the framebuffer it scans out now, 0 when off
 * @param crtcId        the CRTC it is on, 0 when off
 * @param possibleCrtcs bit mask of the CRTC indices it can go on
 */
public record KmsPlane(int planeId, int crtcId, int fbId, int possibleCrtcs) {
}
