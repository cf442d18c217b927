package io.scanout.core;

import com.sun.jna.LastErrorException;
import io.scanout.core.nativeio.LibC;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dma-buf: a descriptor, not pixels. Its fd, the {@link DrmFormat}, the format modifier
 * (tiling), and per plane its offset and pitch ({@link PlaneLayout}), all planes in the one fd.
 * It goes to a hardware encoder untouched or is mapped for the CPU.
 *
 * <p>Owns its fd and closes it exactly once, in {@link #close()} (idempotent). Wrapped in a
 * {@link Frame}, the frame's last release closes it.
 */
public final class DmaBuf implements AutoCloseable {
    /** {@code DRM_FORMAT_MOD_LINEAR}: rows one after another, no tiling. */
    public static final long MODIFIER_LINEAR = 0L;
    /** {@code DRM_FORMAT_MOD_INVALID}: the producer did not say. */
    public static final long MODIFIER_INVALID = 0x00ffffffffffffffL;

    private static final Logger log = LoggerFactory.getLogger(DmaBuf.class);

    private final int fd;
    private final long size;
    private final long modifier;
    private final PlaneLayout layout;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Takes ownership of {@code fd}.
     *
     * @param size     bytes in the buffer (e.g. {@code lseek(fd, 0, SEEK_END)})
     * @param modifier the DRM format modifier; {@link #MODIFIER_LINEAR} for a linear buffer
     * @throws InvalidLayoutException when a plane lies outside {@code size} bytes; the fd is not
     *                                taken then, and stays the caller's to close
     */
    public DmaBuf(int fd, long size, long modifier, PlaneLayout layout) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid dma-buf fd " + fd);
        }
        layout.checkFits(size);
        this.fd = fd;
        this.size = size;
        this.modifier = modifier;
        this.layout = layout;
    }

    public int fd() {
        if (closed.get()) {
            throw new IllegalStateException("dma-buf fd " + fd + " used after close");
        }
        return fd;
    }

    public long size() {
        return size;
    }

    public long modifier() {
        return modifier;
    }

    public PlaneLayout layout() {
        return layout;
    }

    public DrmFormat format() {
        return layout.format();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Closes the fd, once; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                // The fd is gone either way (close(2) never leaves it open on Linux); say so and go on.
                log.warn(LibC.describe("close of dma-buf fd " + fd, e));
            }
        }
    }

    @Override
    public String toString() {
        return "DmaBuf[fd " + fd + ", " + layout + ", modifier 0x" + Long.toHexString(modifier) + "]";
    }
}
