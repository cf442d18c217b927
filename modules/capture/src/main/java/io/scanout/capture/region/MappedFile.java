package io.scanout.capture.region;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.scanout.core.nativeio.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole file mapped read-write and shared ({@code MAP_SHARED}), with its fd: the region both
 * sides of the protocol see. Size is fixed at open; {@link #sizeNow()} tells whether the file has
 * changed since, because touching a page past a shrunken file's end raises {@code SIGBUS}.
 *
 * <p>Owned by one thread (the poller or the producer), which closes it: {@link #close()} unmaps
 * and closes the fd, once.
 */
final class MappedFile implements SharedRegion {
    /** A mapping is read through a {@link ByteBuffer}, whose indices are ints; the size is a multiple of 4. */
    static final long MAX_BYTES = Integer.MAX_VALUE & ~3L;
    private static final Logger log = LoggerFactory.getLogger(MappedFile.class);

    private final Path path;
    private final int fd;
    private final long size;
    private final Pointer address;
    private final ByteBuffer buffer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MappedFile(Path path, int fd, long size, Pointer address) {
        this.path = path;
        this.fd = fd;
        this.size = size;
        this.address = address;
        this.buffer = address.getByteBuffer(0, size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Maps the whole of an existing file.
     *
     * @throws RegionException naming the path and the errno, or the size when it cannot hold a region
     */
    static MappedFile open(Path path) {
        int fd;
        try {
            fd = LibC.open(path.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new RegionException(LibC.describe("cannot open region " + path, e), e);
        }
        try {
            long size = LibC.lseek(fd, 0, LibC.SEEK_END);
            SharedRegion.checkSize(path.toString(), size);
            Pointer address = LibC.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
            if (address == null || Pointer.nativeValue(address) == Pointer.nativeValue(LibC.MAP_FAILED)) {
                throw new RegionException("cannot map region " + path + " (" + size + " B): mmap failed");
            }
            return new MappedFile(path, fd, size, address);
        } catch (LastErrorException e) {
            closeQuietly(fd, path);
            throw new RegionException(LibC.describe("cannot map region " + path, e), e);
        } catch (RuntimeException e) {
            closeQuietly(fd, path);
            throw e;
        }
    }

    private static void closeQuietly(int fd, Path path) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            // The open already failed; the close's failure only joins the log.
            log.warn(LibC.describe("close of region " + path, e));
        }
    }

    Path path() {
        return path;
    }

    @Override
    public String name() {
        return path.toString();
    }

    /** Bytes mapped: the region's size when it was opened. */
    @Override
    public long size() {
        return size;
    }

    /** The file's size now (one {@code lseek}); differs from {@link #size()} when the file was resized. */
    @Override
    public long sizeNow() {
        try {
            return LibC.lseek(fd, 0, LibC.SEEK_END);
        } catch (LastErrorException e) {
            throw new RegionException(LibC.describe("cannot read the size of region " + path, e), e);
        }
    }

    /** The mapping, little-endian, position 0; valid until {@link #close()}. */
    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    long address() {
        return Pointer.nativeValue(address);
    }

    int fd() {
        return fd;
    }

    /** Unmaps and closes the fd, once; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            LibC.munmap(address, size);
        } catch (LastErrorException e) {
            log.warn(LibC.describe("munmap of region " + path, e));
        } finally {
            closeQuietly(fd, path);
        }
    }
}
