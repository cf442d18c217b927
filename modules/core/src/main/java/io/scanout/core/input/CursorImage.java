package io.scanout.core.input;

/**
 * The pointer's shape, for a viewer to draw over the frames at its own pointer position: what a
 * source that sends the cursor apart from the picture reports (a VNC server's Cursor pseudo-encoding,
 * RFC 6143 §7.8.1, asked for with {@code cursor=1}; the server then leaves the pointer out of the
 * frames).
 *
 * <p>Immutable by contract: {@link #argb()} is the source's array, shared by every subscriber, and
 * must not be modified. A {@code 0x0} cursor means the pointer is hidden.
 *
 * @param hotspotX the pixel of the image that is the pointer's position, from the left
 * @param hotspotY the same, from the top
 * @param width    pixels
 * @param height   pixels
 * @param argb     {@code width × height} pixels, row by row, {@code 0xAARRGGBB}; alpha is 0 or 255,
 *                 from the server's bitmask
 */
public record CursorImage(int hotspotX, int hotspotY, int width, int height, int[] argb) {
    public CursorImage {
        if (width < 0 || height < 0 || argb == null || argb.length != width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " cursor needs " + width * height
                    + " pixels, not " + (argb == null ? "none" : argb.length));
        }
    }

    /** Whether the pointer is hidden. */
    public boolean isHidden() {
        return width == 0 || height == 0;
    }

    /** One pixel, {@code 0xAARRGGBB}. */
    public int pixel(int x, int y) {
        return argb[y * width + x];
    }

    @Override
    public String toString() {
        return "CursorImage[" + width + "x" + height + " hotspot " + hotspotX + "," + hotspotY + "]";
    }
}
