package io.scanout.core.input;

/**
 * Where a viewer's wish for a display size goes, for a source whose display can change size on
 * request (a VFIO vGPU, through its EDID: the guest is told of a monitor of that size and picks
 * its mode). The source decides how far to follow — clamping to what the device allows — and the
 * frames show what the display became (a format change).
 *
 * <p>Thread-safe and non-blocking: the newest request replaces one not yet acted on.
 */
@FunctionalInterface
public interface DisplaySizeSink {
    /**
     * Asks for a display of {@code width × height} pixels.
     *
     * @throws IllegalArgumentException for a size under 1x1
     */
    void requestSize(int width, int height);
}
