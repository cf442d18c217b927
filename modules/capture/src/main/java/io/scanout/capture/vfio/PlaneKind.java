package io.scanout.capture.vfio;

import io.scanout.capture.vfio.internal.VfioAbi;

/** How a VFIO device hands out its display: a dma-buf per framebuffer, or a region to map. */
public enum PlaneKind {
    /** {@code VFIO_GFX_PLANE_TYPE_DMABUF}: {@code VFIO_DEVICE_GET_GFX_DMABUF} gives an fd per {@code dmabuf_id}. */
    DMABUF(VfioAbi.VFIO_GFX_PLANE_TYPE_DMABUF),
    /** {@code VFIO_GFX_PLANE_TYPE_REGION}: the plane lies at the start of region {@code region_index}. */
    REGION(VfioAbi.VFIO_GFX_PLANE_TYPE_REGION);

    private final int flag;

    PlaneKind(int flag) {
        this.flag = flag;
    }

    /** The {@code VFIO_GFX_PLANE_TYPE_*} flag. */
    public int flag() {
        return flag;
    }
}
