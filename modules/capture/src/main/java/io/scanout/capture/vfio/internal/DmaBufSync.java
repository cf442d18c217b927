package io.scanout.capture.vfio.internal;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct dma_buf_sync} ({@code linux/dma-buf.h}): the argument of {@code DMA_BUF_IOCTL_SYNC}. */
@FieldOrder({"flags"})
public final class DmaBufSync extends KernelStruct {
    public long flags;
}
