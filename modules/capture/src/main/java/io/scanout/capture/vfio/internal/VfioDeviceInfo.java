package io.scanout.capture.vfio.internal;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct vfio_device_info}: the argument of {@code VFIO_DEVICE_GET_INFO}. */
@FieldOrder({"argsz", "flags", "num_regions", "num_irqs", "cap_offset"})
public final class VfioDeviceInfo extends KernelStruct {
    public int argsz;
    public int flags;
    public int num_regions;
    public int num_irqs;
    public int cap_offset;

    public VfioDeviceInfo() {
        argsz = size();
    }
}
