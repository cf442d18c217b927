package io.scanout.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One image in native memory — CPU bytes ({@link FrameMemory}) or a {@link DmaBuf} — and a
 * reference to it.
 *
 * <p>Ownership: a {@code Frame} object is one reference. Whoever holds it releases it exactly
 * once; {@link #release()} is idempotent per object, so a second call (an operator's discard
 * hook after a stage already released) is harmless. {@link #retain()} makes another reference,
 * another object, sharing the same memory; the memory is freed when the last reference is
 * released. Pixels are never copied onto the Java heap.
 *
 * <p>Thread-safe: references may be released from any thread.
 */
public final class Frame {
    private final Storage storage;
    private final AtomicBoolean released = new AtomicBoolean();

    private Frame(Storage storage) {
        this.storage = storage;
    }

    /**
     * A frame over CPU memory, taking ownership of it.
     *
     * @throws InvalidLayoutException when a plane lies outside the memory; the memory is freed then
     */
    public static Frame wrap(FrameMemory memory, PlaneLayout layout) {
        try {
            layout.checkFits(memory.size());
        } catch (InvalidLayoutException e) {
            memory.free();
            throw e;
        }
        return new Frame(new Storage(layout, memory, null));
    }

    /** A frame over a dma-buf, taking ownership of it (its fd is closed with the last reference). */
    public static Frame wrap(DmaBuf dmaBuf) {
        return new Frame(new Storage(dmaBuf.layout(), null, dmaBuf));
    }

    /** Another reference to the same image, to be released on its own. */
    public Frame retain() {
        storage.retain();
        return new Frame(storage);
    }

    /**
     * Releases this reference. Idempotent: only the first call counts.
     *
     * @return whether this call released it
     */
    public boolean release() {
        if (released.compareAndSet(false, true)) {
            storage.release();
            return true;
        }
        return false;
    }

    public boolean isReleased() {
        return released.get();
    }

    public PlaneLayout layout() {
        return storage.layout;
    }

    public DrmFormat format() {
        return storage.layout.format();
    }

    public int width() {
        return storage.layout.width();
    }

    public int height() {
        return storage.layout.height();
    }

    public VideoFormat videoFormat() {
        return storage.layout.videoFormat();
    }

    public boolean isDmaBuf() {
        return storage.dmaBuf != null;
    }

    /** The dma-buf behind a frame made by {@link #wrap(DmaBuf)}; still owned by the frame. */
    public DmaBuf dmaBuf() {
        checkLive();
        if (storage.dmaBuf == null) {
            throw new IllegalStateException("a CPU frame has no dma-buf; map it or check isDmaBuf()");
        }
        return storage.dmaBuf;
    }

    /** The CPU memory behind a frame made by {@link #wrap(FrameMemory, PlaneLayout)}; still owned by the frame. */
    public FrameMemory memory() {
        checkLive();
        if (storage.memory == null) {
            throw new IllegalStateException("a dma-buf frame has no CPU memory until it is mapped");
        }
        return storage.memory;
    }

    /** A little-endian view of the whole buffer; valid while this reference is held. */
    public ByteBuffer buffer() {
        return memory().buffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The native address of a plane's first byte; valid while this reference is held. */
    public long planeAddress(int plane) {
        return memory().address() + storage.layout.offset(plane);
    }

    private void checkLive() {
        if (released.get()) {
            throw new IllegalStateException("frame " + storage.layout + " used after release");
        }
    }

    @Override
    public String toString() {
        return "Frame[" + storage.layout + (isDmaBuf() ? ", dma-buf" : "") + (released.get() ? ", released" : "") + "]";
    }

    /** The image and its reference count, shared by every {@code Frame} reference to it. */
    private static final class Storage {
        final PlaneLayout layout;
        final FrameMemory memory;
        final DmaBuf dmaBuf;
        final AtomicInteger references = new AtomicInteger(1);

        Storage(PlaneLayout layout, FrameMemory memory, DmaBuf dmaBuf) {
            this.layout = layout;
            this.memory = memory;
            this.dmaBuf = dmaBuf;
        }

        void retain() {
            int before;
            do {
                before = references.get();
                if (before <= 0) {
                    throw new IllegalStateException("cannot retain a freed frame " + layout);
                }
            } while (!references.compareAndSet(before, before + 1));
        }

        void release() {
            if (references.decrementAndGet() == 0) {
                if (memory != null) {
                    memory.free();
                }
                if (dmaBuf != null) {
                    dmaBuf.close();
                }
            }
        }
    }
}
