package io.scanout.capture.testing;

import com.sun.jna.Pointer;
import io.scanout.core.Frame;
import io.scanout.core.FrameMemory;
import io.scanout.core.PlaneLayout;
import io.scanout.core.nativeio.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A memfd mapped read-write: the stand-in for a dma-buf's memory, a GEM buffer object or a device
 * region in tests. The test, playing the guest or the compositor, draws into it through
 * {@link #frame}; {@link #close()} unmaps and closes the fd, once. Thread-safe.
 */
public final class Memfd implements AutoCloseable {
    public final int fd;
    public final long size;
    private final Pointer address;
    private boolean closed;

    public Memfd(String name, long size) {
        this.fd = LibC.memfd_create(name, LibC.MFD_CLOEXEC);
        this.size = size;
        LibC.ftruncate(fd, size);
        this.address = LibC.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
    }

    /** A frame over the memory in this layout, to draw into; releasing it leaves the memory alone. */
    public Frame frame(PlaneLayout layout) {
        return Frame.wrap(new FrameMemory() {
            @Override
            public long address() {
                return Pointer.nativeValue(address);
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public ByteBuffer buffer() {
                return address.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
            }

            @Override
            public void free() {
                // The memfd owns the mapping.
            }
        }, layout);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.munmap(address, size);
            LibC.close(fd);
        }
    }
}
