package io.scanout.capture.region;

import io.scanout.capture.internal.Fourcc;
import io.scanout.core.DrmFormat;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The producer's {@code struct vfio_framebuffer}, as read from the region, fields as raw
 * {@code u32} bit patterns (read with {@link Integer#toUnsignedLong} before any arithmetic).
 * Nothing in it is trusted until {@link #validate} turns it into a {@link PlaneLayout}.
 */
record RegionMetadata(int argsz, int format, int offset, int width, int height, int stride) {

    /** Reads the fields at {@code metadataAt}; call after seeing {@code UPDATE_COMPLETE} with acquire semantics. */
    static RegionMetadata read(ByteBuffer region, int metadataAt) {
        return new RegionMetadata(
                RegionProtocol.field(region, metadataAt, RegionProtocol.ARGSZ),
                RegionProtocol.field(region, metadataAt, RegionProtocol.FORMAT),
                RegionProtocol.field(region, metadataAt, RegionProtocol.OFFSET),
                RegionProtocol.field(region, metadataAt, RegionProtocol.WIDTH),
                RegionProtocol.field(region, metadataAt, RegionProtocol.HEIGHT),
                RegionProtocol.field(region, metadataAt, RegionProtocol.STRIDE));
    }

    /** Writes every field but {@code state}, which the producer publishes last. */
    void write(ByteBuffer region, int metadataAt) {
        RegionProtocol.setField(region, metadataAt, RegionProtocol.ARGSZ, argsz);
        RegionProtocol.setField(region, metadataAt, RegionProtocol.FORMAT, format);
        RegionProtocol.setField(region, metadataAt, RegionProtocol.OFFSET, offset);
        RegionProtocol.setField(region, metadataAt, RegionProtocol.WIDTH, width);
        RegionProtocol.setField(region, metadataAt, RegionProtocol.HEIGHT, height);
        RegionProtocol.setField(region, metadataAt, RegionProtocol.STRIDE, stride);
    }

    /** The metadata describing a layout of one plane. */
    static RegionMetadata of(PlaneLayout layout) {
        return new RegionMetadata(RegionProtocol.METADATA_BYTES, layout.format().fourcc(),
                Math.toIntExact(layout.offset(0)), layout.width(), layout.height(), layout.stride(0));
    }

    /**
     * Checks every field against the region and returns the frame's layout in it.
     *
     * @param framebufferBytes the bytes before the metadata, {@code region_size - 28}
     * @throws RegionMetadataException naming the first bad field and its value
     */
    PlaneLayout validate(long framebufferBytes) throws RegionMetadataException {
        if (argsz != RegionProtocol.METADATA_BYTES) {
            throw new RegionMetadataException(RegionFault.ARGSZ, "argsz is " + Integer.toUnsignedString(argsz)
                    + ", not " + RegionProtocol.METADATA_BYTES + " (the size of struct vfio_framebuffer)");
        }
        Optional<DrmFormat> known = DrmFormat.fromFourcc(format);
        if (known.isEmpty()) {
            throw new RegionMetadataException(RegionFault.UNKNOWN_FORMAT, "unknown DRM fourcc " + Fourcc.describe(format));
        }
        DrmFormat drm = known.get();
        if (drm.planeCount() != 1) {
            throw new RegionMetadataException(RegionFault.MULTI_PLANE_FORMAT, "format " + drm + " has "
                    + drm.planeCount() + " planes, and a region describes one (a single offset and stride)");
        }
        long w = Integer.toUnsignedLong(width);
        long h = Integer.toUnsignedLong(height);
        long s = Integer.toUnsignedLong(stride);
        long o = Integer.toUnsignedLong(offset);
        if (w == 0 || h == 0 || s == 0) {
            throw new RegionMetadataException(RegionFault.ZERO_SIZE, "zero size: width " + w + ", height " + h
                    + ", stride " + s);
        }
        if (w > PlaneLayout.MAX_DIMENSION || h > PlaneLayout.MAX_DIMENSION) {
            throw new RegionMetadataException(RegionFault.TOO_LARGE, "frame size " + w + "x" + h
                    + " is past the largest Scanout takes, " + PlaneLayout.MAX_DIMENSION + "x" + PlaneLayout.MAX_DIMENSION);
        }
        long row = drm.rowBytes(0, (int) w);
        if (s < row) {
            throw new RegionMetadataException(RegionFault.STRIDE_TOO_SMALL, "stride " + s + " B is smaller than a row of "
                    + w + " " + drm + " pixels (" + row + " B)");
        }
        // u32 × u32 + u32 < 2^65 would overflow a long, but h ≤ 16384 here: at most 2^46 + 2^32.
        long end = o + s * h;
        if (end > framebufferBytes) {
            throw new RegionMetadataException(RegionFault.OUTSIDE_REGION, "offset " + o + " + stride " + s
                    + " × height " + h + " = " + end + " B reaches past the framebuffer area of "
                    + framebufferBytes + " B (region size - " + RegionProtocol.METADATA_BYTES + ")");
        }
        return PlaneLayout.of(drm, (int) w, (int) h, new long[] {o}, new int[] {(int) s}, framebufferBytes);
    }
}
