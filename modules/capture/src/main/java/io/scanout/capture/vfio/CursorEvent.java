package io.scanout.capture.vfio;

import java.util.Optional;

/**
 * Where the guest's cursor is and what it looks like, from the device's cursor plane
 * ({@code DRM_PLANE_TYPE_CURSOR}), apart from the frames: viewers draw it themselves, so a moving
 * cursor costs no re-encode. Sent when the cursor moves, changes shape, appears or hides; every
 * event carries the current shape, so a viewer that joins late needs only the latest one.
 *
 * @param shape        the image and hotspot; empty while hidden (or before any shape was read)
 * @param x            the image's left edge on the display, pixels ({@code x_pos})
 * @param y            the image's top edge, pixels ({@code y_pos})
 * @param visible      whether the cursor plane is on
 * @param shapeChanged whether the shape differs from the previous event's
 * @param captureNanos {@link System#nanoTime()} of the query
 */
public record CursorEvent(Optional<CursorShape> shape, int x, int y, boolean visible, boolean shapeChanged,
                          long captureNanos) {
    public static CursorEvent hidden(long captureNanos) {
        return new CursorEvent(Optional.empty(), 0, 0, false, false, captureNanos);
    }
}
