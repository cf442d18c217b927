package io.scanout.capture.region;

import io.scanout.core.FrameMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The framebuffer area of a mapped region (everything before the metadata), lent to a
 * {@link io.scanout.core.Frame} so the producer can draw into it with the same code that draws
 * pooled frames. Borrowed, not owned: {@link #free()} does nothing, the mapping is the
 * producer's to close.
 */
final class RegionMemory implements FrameMemory {
    private final MappedFile region;
    private final long size;

    RegionMemory(MappedFile region) {
        this.region = region;
        this.size = region.size() - RegionProtocol.METADATA_BYTES;
    }

    @Override
    public long address() {
        return region.address();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ByteBuffer buffer() {
        return region.buffer().slice(0, (int) size).order(ByteOrder.nativeOrder());
    }

    @Override
    public void free() {
        // Borrowed from the producer's mapping, which it unmaps when it closes.
    }
}
