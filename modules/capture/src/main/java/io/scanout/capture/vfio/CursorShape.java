package io.scanout.capture.vfio;

import io.scanout.core.DrmFormat;
import java.nio.ByteBuffer;

/**
 * A cursor image from a device's cursor plane: its pixels, rows packed ({@code width ×
 * bytesPerPixel} each), in the plane's {@link DrmFormat} (usually {@code AR24}), and the hotspot,
 * the pixel that points. Immutable and on the heap: a shape is small (at most
 * {@value #MAX_SIDE}×{@value #MAX_SIDE}), changes seldom, and goes as is to many viewers on many
 * threads, like an encoded packet.
 *
 * @param id the device's {@code dmabuf_id} of the image: equal ids are equal images
 */
public record CursorShape(int id, DrmFormat format, int width, int height, int hotX, int hotY, byte[] pixels) {
    /** The largest cursor side accepted: hardware cursors are 64 or 256 pixels; more is not a cursor. */
    public static final int MAX_SIDE = 512;

    public CursorShape {
        pixels = pixels.clone();
    }

    /** The pixels, read-only, without a copy. */
    public ByteBuffer data() {
        return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    @Override
    public byte[] pixels() {
        return pixels.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CursorShape s && s.id == id && s.format == format && s.width == width && s.height == height
                && s.hotX == hotX && s.hotY == hotY && java.util.Arrays.equals(s.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id + width) + height;
    }

    @Override
    public String toString() {
        return "CursorShape[" + id + ", " + format + " " + width + "x" + height + ", hotspot " + hotX + "," + hotY + "]";
    }
}
