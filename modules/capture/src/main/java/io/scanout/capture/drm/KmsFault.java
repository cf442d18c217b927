package io.scanout.capture.drm;

/** What was wrong with a scanned-out framebuffer: the causes a KMS source logs once each. */
enum KmsFault {
    /** A fourcc Scanout does not know. */
    UNKNOWN_FORMAT,
    /** The planes of the format lie in different buffers; a {@link io.scanout.core.DmaBuf} is one fd. */
    SPLIT_BUFFER,
    /** Pitches and offsets that do not make a layout (a pitch under a row, a size out of range). */
    BAD_LAYOUT,
    /** The dma-buf is smaller than the layout. */
    LARGER_THAN_BUFFER
}
