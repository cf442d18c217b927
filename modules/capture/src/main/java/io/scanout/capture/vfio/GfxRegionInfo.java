package io.scanout.capture.vfio;

import io.scanout.capture.vfio.internal.VfioAbi;

/**
 * A device region as {@code VFIO_DEVICE_GET_REGION_INFO} reports it, with its type from the
 * {@code VFIO_REGION_INFO_CAP_TYPE} capability when it has one.
 *
 * @param index   the region's index
 * @param flags   {@code VFIO_REGION_INFO_FLAG_*}
 * @param size    bytes
 * @param offset  where the region lies in the device fd, for {@code mmap} and {@code pread}
 * @param type    {@code VFIO_REGION_TYPE_*}, 0 when the region has no type capability
 * @param subtype the type's subtype, e.g. {@code VFIO_REGION_SUBTYPE_GFX_EDID}
 */
public record GfxRegionInfo(int index, int flags, long size, long offset, int type, int subtype) {
    /** A region without a type capability. */
    public GfxRegionInfo(int index, int flags, long size, long offset) {
        this(index, flags, size, offset, 0, 0);
    }

    public boolean canMmap() {
        return (flags & VfioAbi.VFIO_REGION_INFO_FLAG_MMAP) != 0;
    }

    public boolean canRead() {
        return (flags & VfioAbi.VFIO_REGION_INFO_FLAG_READ) != 0;
    }

    public boolean canWrite() {
        return (flags & VfioAbi.VFIO_REGION_INFO_FLAG_WRITE) != 0;
    }

    /** Whether this is the EDID region of a display ({@code VFIO_REGION_TYPE_GFX}, {@code VFIO_REGION_SUBTYPE_GFX_EDID}). */
    public boolean isEdid() {
        return type == VfioAbi.VFIO_REGION_TYPE_GFX && subtype == VfioAbi.VFIO_REGION_SUBTYPE_GFX_EDID;
    }
}
