package io.scanout.capture.vfio;

import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.nativeio.DmaBufCpuCopy;

/**
 * Reads a linear dma-buf with the CPU: {@code mmap}, {@code DMA_BUF_IOCTL_SYNC} start (read),
 * one copy into a pooled frame of the same layout, sync end, {@code munmap}. For a stage that
 * cannot take the dma-buf as it is (a software encoder, a test comparing pixels).
 *
 * <p>Blocks for the copy; any thread. The dma-buf stays its owner's; the returned frame is the
 * caller's. An fd that is not a dma-buf (a memfd standing in for one in tests) has no sync ioctl
 * ({@code ENOTTY}) and nothing to sync: the copy goes on without it.
 */
public final class DmaBufReader {
    private DmaBufReader() {
    }

    /**
     * A CPU copy of a dma-buf frame ({@link DmaBufCpuCopy#copy}, shared with the convert stage).
     *
     * @throws IllegalArgumentException for a CPU frame, or a tiled dma-buf the CPU cannot read row by row
     * @throws IllegalStateException    when the mapping or the sync fails
     */
    public static Frame copy(Frame dmaBufFrame, FramePool pool) {
        return DmaBufCpuCopy.copy(dmaBufFrame, pool);
    }

    /** {@code DMA_BUF_IOCTL_SYNC}; false when the fd is not a dma-buf (ENOTTY). */
    static boolean sync(int fd, long flags) {
        return DmaBufCpuCopy.sync(fd, flags);
    }
}
