package io.scanout.core.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.scanout.core.DmaBuf;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import java.nio.ByteBuffer;

/**
 * Reads a linear dma-buf with the CPU, for a stage that cannot take it as it is (libswscale, a
 * software encoder): {@code mmap}, {@code DMA_BUF_IOCTL_SYNC} start, one copy into a pooled frame
 * of the same layout, sync end, {@code munmap}.
 *
 * <p>Blocks for the copy; any thread. The dma-buf stays its owner's; the returned frame is the
 * caller's. An fd that is not a dma-buf (a memfd standing in for one in tests) answers the sync
 * with {@code ENOTTY} and needs none: the copy goes on without it.
 */
public final class DmaBufCpuCopy {
    /** {@code _IOW('b', 0, struct dma_buf_sync)}: struct dma_buf_sync is one {@code __u64 flags}. */
    public static final long DMA_BUF_IOCTL_SYNC = 0x40086200L;
    public static final long SYNC_READ = 1;
    public static final long SYNC_START = 0;
    public static final long SYNC_END = 4;
    private static final int ENOTTY = 25;

    private DmaBufCpuCopy() {
    }

    /**
     * A CPU copy of a dma-buf frame.
     *
     * @throws IllegalArgumentException for a CPU frame, or a tiled dma-buf the CPU cannot read row by row
     * @throws IllegalStateException    when the mapping or the sync fails, naming the errno
     */
    public static Frame copy(Frame dmaBufFrame, FramePool pool) {
        if (!dmaBufFrame.isDmaBuf()) {
            throw new IllegalArgumentException("not a dma-buf frame: " + dmaBufFrame);
        }
        DmaBuf buf = dmaBufFrame.dmaBuf();
        if (buf.modifier() != DmaBuf.MODIFIER_LINEAR) {
            throw new IllegalArgumentException("dma-buf " + buf.layout() + " is not linear (modifier 0x"
                    + Long.toHexString(buf.modifier()) + "); the CPU reads linear dma-bufs only");
        }
        long bytes = buf.layout().requiredBytes();
        Frame copy = pool.acquire(buf.layout());
        Pointer mapping = null;
        try {
            mapping = LibC.mmap(null, buf.size(), LibC.PROT_READ, LibC.MAP_SHARED, buf.fd(), 0);
            boolean synced = sync(buf.fd(), SYNC_START | SYNC_READ);
            try {
                ByteBuffer source = mapping.getByteBuffer(0, bytes);
                copy.buffer().put(0, source, 0, Math.toIntExact(bytes));
            } finally {
                if (synced) {
                    sync(buf.fd(), SYNC_END | SYNC_READ);
                }
            }
            return copy;
        } catch (LastErrorException e) {
            copy.release();
            throw new IllegalStateException(LibC.describe("mmap of dma-buf fd " + buf.fd() + " (" + buf.size() + " B)", e), e);
        } catch (RuntimeException | Error e) {
            copy.release();
            throw e;
        } finally {
            if (mapping != null) {
                LibC.munmap(mapping, buf.size());
            }
        }
    }

    /** {@code DMA_BUF_IOCTL_SYNC}; false when the fd is not a dma-buf (ENOTTY). */
    public static boolean sync(int fd, long flags) {
        try (Memory sync = new Memory(8)) {
            sync.setLong(0, flags);
            LibC.ioctl(fd, new NativeLong(DMA_BUF_IOCTL_SYNC), sync);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOTTY) {
                return false;
            }
            throw new IllegalStateException(LibC.describe("DMA_BUF_IOCTL_SYNC (flags 0x" + Long.toHexString(flags)
                    + ") on fd " + fd, e), e);
        }
    }
}
