package io.scanout.capture.vfio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.scanout.core.nativeio.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A shared mapping of part of an fd (a VFIO device region, a dma-buf), read-only unless asked
 * otherwise. The mapping is
 * this object's: {@link #close()} unmaps it, once. The fd stays its owner's. Used by one thread.
 */
public final class MappedRegion implements AutoCloseable {
    private final String what;
    private final Pointer address;
    private final long size;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MappedRegion(String what, Pointer address, long size) {
        this.what = what;
        this.address = address;
        this.size = size;
    }

    /**
     * Maps {@code size} bytes of {@code fd} from {@code offset}, read-only and shared.
     *
     * @param what names the mapping in errors, e.g. {@code "region 16 of vfio device …"}
     * @throws VfioException naming it and the errno
     */
    public static MappedRegion map(int fd, long offset, long size, String what) {
        return map(fd, offset, size, false, what);
    }

    /** Like {@link #map(int, long, long, String)}, read-write when {@code writable}. */
    public static MappedRegion map(int fd, long offset, long size, boolean writable, String what) {
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new VfioException("cannot map " + what + ": its size " + size + " B is outside 1.." + Integer.MAX_VALUE);
        }
        try {
            Pointer address = LibC.mmap(null, size, writable ? LibC.PROT_READ | LibC.PROT_WRITE : LibC.PROT_READ,
                    LibC.MAP_SHARED, fd, offset);
            if (address == null || Pointer.nativeValue(address) == Pointer.nativeValue(LibC.MAP_FAILED)) {
                throw new VfioException("cannot map " + what + " (" + size + " B at " + offset + "): mmap failed");
            }
            return new MappedRegion(what, address, size);
        } catch (LastErrorException e) {
            throw new VfioException("cannot map " + what + " (" + size + " B at " + offset + ")", e);
        }
    }

    public long address() {
        return Pointer.nativeValue(address);
    }

    public long size() {
        return size;
    }

    /** A little-endian view of the whole mapping, position 0; valid until {@link #close()}. */
    public ByteBuffer buffer() {
        return address.getByteBuffer(0, size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Unmaps, once; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                LibC.munmap(address, size);
            } catch (LastErrorException e) {
                throw new VfioException("munmap of " + what, e);
            }
        }
    }

    @Override
    public String toString() {
        return "MappedRegion[" + what + ", " + size + " B]";
    }
}
