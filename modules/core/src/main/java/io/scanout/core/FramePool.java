package io.scanout.core;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Off-heap frame memory, pooled by format and size, so a stream at a steady size allocates
 * nothing per frame. Blocks come from {@code malloc} and go back with {@code free}: their
 * lifetime never depends on the garbage collector.
 *
 * <p>A frame from {@link #acquire} returns its block to the pool when its last reference is
 * released; at most {@code maxIdlePerFormat} idle blocks are kept per format and size, the rest
 * are freed. Thread-safe. {@link #close()} frees the idle blocks; blocks still in frames are freed
 * as those frames are released.
 */
public final class FramePool implements AutoCloseable {
    /** Row alignment of pooled frames: what SIMD loads in libswscale and the encoders like best. */
    public static final int STRIDE_ALIGNMENT = 64;

    private final int maxIdlePerFormat;
    private final Map<PlaneLayout, Shelf> shelves = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder allocated = new LongAdder();
    private final LongAdder freed = new LongAdder();
    private final LongAdder acquired = new LongAdder();
    private final LongAdder released = new LongAdder();

    public FramePool(int maxIdlePerFormat) {
        if (maxIdlePerFormat < 0) {
            throw new IllegalArgumentException("maxIdlePerFormat must be >= 0, not " + maxIdlePerFormat);
        }
        this.maxIdlePerFormat = maxIdlePerFormat;
    }

    /** A pool keeping a few idle frames per format, enough for a capture → convert → encode pipeline. */
    public FramePool() {
        this(4);
    }

    /** A frame of this format and size with rows aligned to {@link #STRIDE_ALIGNMENT}; contents undefined. */
    public Frame acquire(VideoFormat format) {
        return acquire(PlaneLayout.packed(format.format(), format.width(), format.height(), STRIDE_ALIGNMENT));
    }

    /** A frame with exactly this layout; contents undefined. The caller owns the one reference. */
    public Frame acquire(PlaneLayout layout) {
        if (closed.get()) {
            throw new IllegalStateException("frame pool is closed");
        }
        Shelf shelf = shelves.computeIfAbsent(layout, l -> new Shelf());
        Block block = shelf.idle.poll();
        if (block == null) {
            block = new Block(layout.requiredBytes(), shelf);
        } else {
            shelf.idleCount.decrementAndGet();
            block.inUse.set(true);
        }
        acquired.increment();
        return Frame.wrap(block, layout);
    }

    public Stats stats() {
        return new Stats(allocated.sum(), freed.sum(), acquired.sum(), released.sum());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Shelf shelf : shelves.values()) {
                Block block;
                while ((block = shelf.idle.poll()) != null) {
                    shelf.idleCount.decrementAndGet();
                    block.freeNative();
                }
            }
        }
    }

    private void giveBack(Block block, Shelf shelf) {
        released.increment();
        if (!closed.get() && shelf.idleCount.incrementAndGet() <= maxIdlePerFormat) {
            shelf.idle.add(block);
            if (closed.get() && shelf.idle.remove(block)) {
                // close() ran between the check and the add: it may have missed this block.
                shelf.idleCount.decrementAndGet();
                block.freeNative();
            }
        } else {
            shelf.idleCount.decrementAndGet();
            block.freeNative();
        }
    }

    /**
     * Counts since the pool was made: native blocks allocated and freed, frames acquired and
     * released. Every acquired frame is released once: {@code acquired == released} when idle.
     */
    public record Stats(long allocated, long freed, long acquired, long released) {
        /** Frames handed out and not yet released. */
        public long outstanding() {
            return acquired - released;
        }
    }

    private static final class Shelf {
        final Queue<Block> idle = new ConcurrentLinkedQueue<>();
        final AtomicInteger idleCount = new AtomicInteger();
    }

    /** One malloc'd block; {@link #free()} is the owning frame giving it back. */
    private final class Block implements FrameMemory {
        private final long address;
        private final long size;
        private final Shelf shelf;
        private final AtomicBoolean inUse = new AtomicBoolean(true);

        Block(long size, Shelf shelf) {
            this.size = size;
            this.shelf = shelf;
            this.address = Native.malloc(size);
            if (address == 0) {
                throw new OutOfMemoryError("malloc of " + size + " B for a frame failed");
            }
            allocated.increment();
        }

        @Override
        public long address() {
            return address;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public ByteBuffer buffer() {
            return new Pointer(address).getByteBuffer(0, size).order(ByteOrder.nativeOrder());
        }

        @Override
        public void free() {
            if (inUse.compareAndSet(true, false)) {
                giveBack(this, shelf);
            }
        }

        void freeNative() {
            Native.free(address);
            freed.increment();
        }
    }
}
