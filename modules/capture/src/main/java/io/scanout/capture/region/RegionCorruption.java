package io.scanout.capture.region;

import io.scanout.core.DrmFormat;

/**
 * A way for {@link RegionProducer} to break its metadata on purpose, so tests (and anyone
 * checking a consumer) can see each kind of bad input rejected. Each kind leaves the pixels
 * correct and breaks one thing in the struct, and each must be caught before any read.
 */
public enum RegionCorruption {
    /** {@code argsz} 24 instead of 28. */
    WRONG_ARGSZ,
    /** {@code format} {@code YUV9}, a real DRM fourcc Scanout does not know. */
    UNKNOWN_FOURCC,
    /** {@code format} {@code NV12}: known, but two planes, which a region cannot describe. */
    MULTI_PLANE_FORMAT,
    /** {@code width} 0. */
    ZERO_WIDTH,
    /** {@code height} 0. */
    ZERO_HEIGHT,
    /** {@code stride} 0. */
    ZERO_STRIDE,
    /** {@code width} 0xffffffff: −1 to a reader that forgets the field is unsigned. */
    HUGE_WIDTH,
    /** {@code stride} one byte short of a row. */
    STRIDE_TOO_SMALL,
    /** {@code offset} one byte too far: the last row ends one byte past {@code region_size - 28}. */
    PAST_REGION_END,
    /** {@code offset} so large that {@code offset + stride × height} wraps around 2^32 to a small number. */
    OFFSET_WRAPS,
    /** {@code stride} so large that {@code stride × height} wraps around 2^32 to a small number. */
    STRIDE_TIMES_HEIGHT_WRAPS;

    /** The valid metadata, broken this way, for a region with {@code framebufferBytes} before the metadata. */
    RegionMetadata apply(RegionMetadata valid, long framebufferBytes) {
        long bytes = Integer.toUnsignedLong(valid.stride()) * Integer.toUnsignedLong(valid.height());
        switch (this) {
            case WRONG_ARGSZ:
                return new RegionMetadata(24, valid.format(), valid.offset(), valid.width(), valid.height(), valid.stride());
            case UNKNOWN_FOURCC:
                return new RegionMetadata(valid.argsz(), DrmFormat.fourcc("YUV9"), valid.offset(), valid.width(),
                        valid.height(), valid.stride());
            case MULTI_PLANE_FORMAT:
                return new RegionMetadata(valid.argsz(), DrmFormat.NV12.fourcc(), valid.offset(), valid.width(),
                        valid.height(), valid.stride());
            case ZERO_WIDTH:
                return new RegionMetadata(valid.argsz(), valid.format(), valid.offset(), 0, valid.height(), valid.stride());
            case ZERO_HEIGHT:
                return new RegionMetadata(valid.argsz(), valid.format(), valid.offset(), valid.width(), 0, valid.stride());
            case ZERO_STRIDE:
                return new RegionMetadata(valid.argsz(), valid.format(), valid.offset(), valid.width(), valid.height(), 0);
            case HUGE_WIDTH:
                return new RegionMetadata(valid.argsz(), valid.format(), valid.offset(), 0xffffffff, valid.height(),
                        valid.stride());
            case STRIDE_TOO_SMALL: {
                DrmFormat format = DrmFormat.fromFourcc(valid.format()).orElseThrow();
                int row = (int) format.rowBytes(0, valid.width());
                return new RegionMetadata(valid.argsz(), valid.format(), valid.offset(), valid.width(), valid.height(), row - 1);
            }
            case PAST_REGION_END:
                return new RegionMetadata(valid.argsz(), valid.format(), (int) (framebufferBytes - bytes + 1), valid.width(),
                        valid.height(), valid.stride());
            case OFFSET_WRAPS:
                return new RegionMetadata(valid.argsz(), valid.format(), (int) ((1L << 32) - bytes + 1), valid.width(),
                        valid.height(), valid.stride());
            case STRIDE_TIMES_HEIGHT_WRAPS: {
                long height = Integer.toUnsignedLong(valid.height());
                int stride = (int) ((1L << 32) / height + 1);
                return new RegionMetadata(valid.argsz(), valid.format(), valid.offset(), valid.width(), valid.height(), stride);
            }
            default:
                throw new AssertionError(this);
        }
    }
}
