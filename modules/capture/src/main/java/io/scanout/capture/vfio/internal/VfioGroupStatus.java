package io.scanout.capture.vfio.internal;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct vfio_group_status}: the argument of {@code VFIO_GROUP_GET_STATUS}. */
@FieldOrder({"argsz", "flags"})
public final class VfioGroupStatus extends KernelStruct {
    public int argsz;
    public int flags;

    public VfioGroupStatus() {
        argsz = size();
    }
}
