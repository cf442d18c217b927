package io.scanout.capture.vfio;

/** What was wrong with a plane the device reported: the causes a VFIO source logs once each. */
enum PlaneFault {
    UNKNOWN_FORMAT,
    MULTI_PLANE_FORMAT,
    ZERO_SIZE,
    TOO_LARGE,
    STRIDE_TOO_SMALL,
    /** {@code stride × height} is more than the plane's reported {@code size}. */
    LARGER_THAN_PLANE,
    /** The dma-buf or region behind the plane is smaller than the plane. */
    LARGER_THAN_BUFFER,
    /** A region plane with a tiling modifier, which the CPU cannot read row by row. */
    TILED_REGION,
    /** {@code VFIO_DEVICE_GET_GFX_DMABUF} failed for the reported id. */
    DMABUF_UNAVAILABLE
}
