package io.scanout.capture.vfio;

import io.scanout.capture.internal.Fourcc;
import io.scanout.core.DrmFormat;
import io.scanout.core.PlaneLayout;
import java.util.Optional;

/**
 * Turns a reported {@link GfxPlane} into a {@link PlaneLayout}, checking every field first: the
 * plane comes from a guest-controlled device model, so it is outside input.
 */
final class PlaneCheck {
    private PlaneCheck() {
    }

    /**
     * The layout of an enabled plane at offset 0 of its buffer.
     *
     * @throws PlaneFaultException naming the first bad field
     */
    static PlaneLayout layout(GfxPlane plane) throws PlaneFaultException {
        Optional<DrmFormat> known = DrmFormat.fromFourcc(plane.drmFormat());
        if (known.isEmpty()) {
            throw new PlaneFaultException(PlaneFault.UNKNOWN_FORMAT, "unknown DRM fourcc " + Fourcc.describe(plane.drmFormat()));
        }
        DrmFormat format = known.get();
        if (format.planeCount() != 1) {
            throw new PlaneFaultException(PlaneFault.MULTI_PLANE_FORMAT, "format " + format + " has "
                    + format.planeCount() + " planes, and a VFIO plane has one stride");
        }
        long w = Integer.toUnsignedLong(plane.width());
        long h = Integer.toUnsignedLong(plane.height());
        long s = Integer.toUnsignedLong(plane.stride());
        long size = Integer.toUnsignedLong(plane.size());
        if (w == 0 || h == 0 || s == 0) {
            throw new PlaneFaultException(PlaneFault.ZERO_SIZE, "zero size: width " + w + ", height " + h + ", stride " + s);
        }
        if (w > PlaneLayout.MAX_DIMENSION || h > PlaneLayout.MAX_DIMENSION) {
            throw new PlaneFaultException(PlaneFault.TOO_LARGE, "plane size " + w + "x" + h
                    + " is past the largest Scanout takes, " + PlaneLayout.MAX_DIMENSION + "x" + PlaneLayout.MAX_DIMENSION);
        }
        long row = format.rowBytes(0, (int) w);
        if (s < row) {
            throw new PlaneFaultException(PlaneFault.STRIDE_TOO_SMALL, "stride " + s + " B is smaller than a row of "
                    + w + " " + format + " pixels (" + row + " B)");
        }
        if (s * h > size) {
            throw new PlaneFaultException(PlaneFault.LARGER_THAN_PLANE, "stride " + s + " × height " + h + " = "
                    + s * h + " B is more than the plane's size of " + size + " B");
        }
        return PlaneLayout.of(format, (int) w, (int) h, new long[] {0}, new int[] {(int) s});
    }
}
