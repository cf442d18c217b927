package io.scanout.capture.region;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The framebuffer-region protocol's wire layout: a {@code struct vfio_framebuffer} of seven
 * little-endian {@code u32} at the very end of the region, and the handshake on its {@code state}.
 *
 * <pre>
 * argsz, format (DRM fourcc), offset, width, height, stride, state   at region_size - 28
 * </pre>
 *
 * The consumer writes {@code state = 1} with release semantics; the producer, having seen it with
 * acquire semantics, renders, fills the other fields and writes {@code state = 2} with release
 * semantics; the consumer reads {@code state} with acquire semantics and only then the fields and
 * pixels. Release/acquire pairs are what make the producer's plain writes visible to the
 * consumer's plain reads (and the consumer's reads finish before the producer may overwrite).
 */
final class RegionProtocol {
    /** Bytes of the metadata struct: 7 × u32. */
    static final int METADATA_BYTES = 28;
    static final int ARGSZ = 0;
    static final int FORMAT = 4;
    static final int OFFSET = 8;
    static final int WIDTH = 12;
    static final int HEIGHT = 16;
    static final int STRIDE = 20;
    static final int STATE = 24;
    /** The consumer asks for a frame. */
    static final int STATE_REQUEST_UPDATE = 1;
    /** The producer has written a frame and its metadata. */
    static final int STATE_UPDATE_COMPLETE = 2;

    /**
     * Little-endian int access to a direct buffer with memory-ordering modes. Atomic modes need a
     * 4-byte-aligned address: mappings are page-aligned and regions a multiple of 4 bytes long.
     */
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private RegionProtocol() {
    }

    /** Where the metadata starts in a region of this many bytes. */
    static int metadataAt(long regionBytes) {
        return (int) (regionBytes - METADATA_BYTES);
    }

    static int stateAcquire(ByteBuffer region, int metadataAt) {
        return (int) INT.getAcquire(region, metadataAt + STATE);
    }

    static void stateRelease(ByteBuffer region, int metadataAt, int state) {
        INT.setRelease(region, metadataAt + STATE, state);
    }

    /** Reads one little-endian u32 field with a plain load (ordered by a preceding {@link #stateAcquire}). */
    static int field(ByteBuffer region, int metadataAt, int field) {
        return (int) INT.get(region, metadataAt + field);
    }

    /** Writes one field with a plain store (published by a following {@link #stateRelease}). */
    static void setField(ByteBuffer region, int metadataAt, int field, int value) {
        INT.set(region, metadataAt + field, value);
    }
}
