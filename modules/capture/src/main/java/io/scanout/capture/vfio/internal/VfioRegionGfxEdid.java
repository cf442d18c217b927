package io.scanout.capture.vfio.internal;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct vfio_region_gfx_edid}: the header of a {@code VFIO_REGION_TYPE_GFX} /
 * {@code VFIO_REGION_SUBTYPE_GFX_EDID} region, read and written with {@code pread}/{@code pwrite}.
 */
@FieldOrder({"edid_offset", "edid_max_size", "edid_size", "max_xres", "max_yres", "link_state"})
public final class VfioRegionGfxEdid extends KernelStruct {
    public int edid_offset;
    public int edid_max_size;
    public int edid_size;
    public int max_xres;
    public int max_yres;
    public int link_state;
}
