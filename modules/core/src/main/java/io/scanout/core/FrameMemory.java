package io.scanout.core;

import java.nio.ByteBuffer;

/**
 * The native bytes behind a CPU {@link Frame}: a pooled off-heap block, an mmap of a region, a
 * mapped dma-buf. A {@link Frame} owns its memory and calls {@link #free()} exactly once, when its
 * last reference is released; nothing else frees it.
 */
public interface FrameMemory {
    /** The native address of the first byte. Valid until {@link #free()}. */
    long address();

    /** Bytes the memory holds. */
    long size();

    /**
     * A view of the whole memory, position 0, native byte order. Each call returns a new view, so
     * threads do not share positions. Valid until {@link #free()}.
     */
    ByteBuffer buffer();

    /** Gives the memory back (to its pool, or to the kernel). Called once, by the owning frame. */
    void free();
}
