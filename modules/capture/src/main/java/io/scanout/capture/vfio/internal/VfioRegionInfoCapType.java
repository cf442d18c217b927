package io.scanout.capture.vfio.internal;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct vfio_region_info_cap_type}, its {@code struct vfio_info_cap_header} inlined
 * ({@code id}, {@code version}, {@code next}): the capability naming a region's type and subtype.
 */
@FieldOrder({"id", "version", "next", "type", "subtype"})
public final class VfioRegionInfoCapType extends KernelStruct {
    public short id;
    public short version;
    public int next;
    public int type;
    public int subtype;
}
