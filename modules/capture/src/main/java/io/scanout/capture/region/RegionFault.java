package io.scanout.capture.region;

/**
 * What was wrong with a producer's metadata: the distinct causes the region source logs once
 * each and counts as dropped frames. Bounded, so it could be a metric tag.
 */
enum RegionFault {
    /** {@code argsz} is not 28, the size of the struct. */
    ARGSZ,
    /** {@code format} is a fourcc Scanout does not know. */
    UNKNOWN_FORMAT,
    /** {@code format} is known but has more than one plane, which a region cannot describe. */
    MULTI_PLANE_FORMAT,
    /** {@code width}, {@code height} or {@code stride} is zero. */
    ZERO_SIZE,
    /** {@code width} or {@code height} is past {@link io.scanout.core.PlaneLayout#MAX_DIMENSION}. */
    TOO_LARGE,
    /** {@code stride} is smaller than one row of pixels. */
    STRIDE_TOO_SMALL,
    /** {@code offset + stride × height} reaches past the framebuffer area, {@code region_size - 28}. */
    OUTSIDE_REGION
}
