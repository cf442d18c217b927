package io.scanout.core.input;

/**
 * Where the pointer is, for a source that reports it apart from the frames (a VFIO vGPU's cursor
 * plane): its hotspot — the pixel of {@link CursorImage} at {@code hotspotX,hotspotY} — lies at
 * {@code x,y} of a display of {@code displayWidth × displayHeight} source pixels. The display size
 * travels with the position so a reader maps it to a scaled picture without racing a size change.
 *
 * <p>Immutable. Whether the pointer is shown at all is the {@link CursorImage}'s to say (0x0 is
 * hidden).
 *
 * @param x             pixels from the display's left edge, 0..displayWidth-1
 * @param y             pixels from the top, 0..displayHeight-1
 * @param displayWidth  the display's width, pixels, at least 1
 * @param displayHeight the display's height, pixels, at least 1
 */
public record CursorPosition(int x, int y, int displayWidth, int displayHeight) {
    public CursorPosition {
        if (displayWidth < 1 || displayHeight < 1 || x < 0 || y < 0 || x >= displayWidth || y >= displayHeight) {
            throw new IllegalArgumentException("a pointer at " + x + "," + y + " is not on a " + displayWidth + "x"
                    + displayHeight + " display");
        }
    }

    /**
     * The position {@code x,y} on a display of this size, moved to the display's nearest pixel when
     * it lies outside (a hotspot just off an edge).
     */
    public static CursorPosition inside(int x, int y, int displayWidth, int displayHeight) {
        return new CursorPosition(Math.max(0, Math.min(displayWidth - 1, x)),
                Math.max(0, Math.min(displayHeight - 1, y)), displayWidth, displayHeight);
    }
}
