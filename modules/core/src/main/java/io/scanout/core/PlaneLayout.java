package io.scanout.core;

import java.util.Arrays;

/**
 * Where each plane of an image lies in its buffer: an offset and a stride in bytes per plane,
 * for a {@link DrmFormat} and a size. Immutable; checked when it is made, so nothing downstream
 * can be led to read past the end of a mapping.
 *
 * <p>A plane occupies {@code offset + stride × planeHeight} bytes, the whole last row included,
 * as the kernel and FFmpeg assume when they read it.
 */
public final class PlaneLayout {
    /** The largest width or height Scanout takes from a source: larger ones are a source's bug, not a display. */
    public static final int MAX_DIMENSION = 16384;

    private final DrmFormat format;
    private final int width;
    private final int height;
    private final long[] offsets;
    private final int[] strides;

    private PlaneLayout(DrmFormat format, int width, int height, long[] offsets, int[] strides) {
        this.format = format;
        this.width = width;
        this.height = height;
        this.offsets = offsets;
        this.strides = strides;
        validate();
    }

    /**
     * A layout with the given per-plane offsets and strides, as a source reports them.
     *
     * @throws InvalidLayoutException when a size is out of range or a stride is shorter than a row
     */
    public static PlaneLayout of(DrmFormat format, int width, int height, long[] offsets, int[] strides) {
        return new PlaneLayout(format, width, height, offsets.clone(), strides.clone());
    }

    /** Like {@link #of(DrmFormat, int, int, long[], int[])}, and also checks that every plane lies inside {@code bufferSize} bytes. */
    public static PlaneLayout of(DrmFormat format, int width, int height, long[] offsets, int[] strides, long bufferSize) {
        PlaneLayout layout = of(format, width, height, offsets, strides);
        layout.checkFits(bufferSize);
        return layout;
    }

    /** Planes one after another, each row padded to a multiple of {@code strideAlignment} bytes. */
    public static PlaneLayout packed(DrmFormat format, int width, int height, int strideAlignment) {
        checkSize(width, height);
        if (strideAlignment < 1 || Integer.bitCount(strideAlignment) != 1) {
            throw new InvalidLayoutException("stride alignment must be a power of two, not " + strideAlignment);
        }
        int planes = format.planeCount();
        long[] offsets = new long[planes];
        int[] strides = new int[planes];
        long next = 0;
        for (int p = 0; p < planes; p++) {
            long row = format.rowBytes(p, width);
            strides[p] = (int) ((row + strideAlignment - 1) & -strideAlignment);
            offsets[p] = next;
            next += (long) strides[p] * format.planeHeight(p, height);
        }
        return new PlaneLayout(format, width, height, offsets, strides);
    }

    /** Planes one after another with no padding. */
    public static PlaneLayout packed(DrmFormat format, int width, int height) {
        return packed(format, width, height, 1);
    }

    private static void checkSize(int width, int height) {
        if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw new InvalidLayoutException("frame size " + width + "x" + height
                    + " is outside 1x1.." + MAX_DIMENSION + "x" + MAX_DIMENSION);
        }
    }

    private void validate() {
        checkSize(width, height);
        int planes = format.planeCount();
        if (offsets.length != planes || strides.length != planes) {
            throw new InvalidLayoutException(format + " has " + planes + " plane(s), but the layout gives "
                    + offsets.length + " offset(s) and " + strides.length + " stride(s)");
        }
        for (int p = 0; p < planes; p++) {
            long row = format.rowBytes(p, width);
            if (strides[p] < row) {
                throw new InvalidLayoutException("plane " + p + " of " + format + " " + width + "x" + height
                        + ": stride " + strides[p] + " B is smaller than a row of " + row + " B");
            }
            if (offsets[p] < 0) {
                throw new InvalidLayoutException("plane " + p + " of " + format + ": negative offset " + offsets[p]);
            }
        }
    }

    /**
     * Checks that every plane lies inside a buffer of {@code bufferSize} bytes.
     *
     * @throws InvalidLayoutException naming the plane, where it ends and the buffer's size
     */
    public void checkFits(long bufferSize) {
        for (int p = 0; p < offsets.length; p++) {
            long end = planeEnd(p);
            if (end > bufferSize) {
                throw new InvalidLayoutException("plane " + p + " of " + format + " " + width + "x" + height
                        + " (offset " + offsets[p] + ", stride " + strides[p] + ", " + planeHeight(p)
                        + " rows) ends at byte " + end + ", past the buffer's " + bufferSize + " B");
            }
        }
    }

    public DrmFormat format() {
        return format;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int planeCount() {
        return offsets.length;
    }

    public long offset(int plane) {
        return offsets[plane];
    }

    public int stride(int plane) {
        return strides[plane];
    }

    /** Rows in a plane. */
    public int planeHeight(int plane) {
        return format.planeHeight(plane, height);
    }

    /** Bytes of pixel data in one row of a plane (the stride minus its padding). */
    public long rowBytes(int plane) {
        return format.rowBytes(plane, width);
    }

    /** The first byte past a plane. */
    public long planeEnd(int plane) {
        return offsets[plane] + (long) strides[plane] * planeHeight(plane);
    }

    /** The first byte past every plane: the least buffer this layout fits in. */
    public long requiredBytes() {
        long end = 0;
        for (int p = 0; p < offsets.length; p++) {
            end = Math.max(end, planeEnd(p));
        }
        return end;
    }

    /** The format and size alone, without offsets and strides. */
    public VideoFormat videoFormat() {
        return new VideoFormat(format, width, height);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlaneLayout && sameAs((PlaneLayout) o);
    }

    private boolean sameAs(PlaneLayout l) {
        return format == l.format && width == l.width && height == l.height
                && Arrays.equals(offsets, l.offsets) && Arrays.equals(strides, l.strides);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * format.hashCode() + width) + height) + Arrays.hashCode(strides);
    }

    @Override
    public String toString() {
        return format + " " + width + "x" + height + " offsets " + Arrays.toString(offsets)
                + " strides " + Arrays.toString(strides);
    }
}
