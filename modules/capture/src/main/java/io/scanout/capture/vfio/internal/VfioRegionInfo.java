package io.scanout.capture.vfio.internal;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct vfio_region_info}: the argument of {@code VFIO_DEVICE_GET_REGION_INFO}. */
@FieldOrder({"argsz", "flags", "index", "cap_offset", "size", "offset"})
public final class VfioRegionInfo extends KernelStruct {
    public int argsz;
    public int flags;
    public int index;
    public int cap_offset;
    public long size;
    public long offset;

    public VfioRegionInfo() {
        argsz = size();
    }
}
