package io.scanout.capture.drm.internal;

import com.sun.jna.Structure.FieldOrder;
import io.scanout.capture.vfio.internal.KernelStruct;

/** {@code struct drm_mode_fb_cmd2}: the argument of {@code DRM_IOCTL_MODE_GETFB2}. Field names are the kernel's. */
@FieldOrder({"fb_id", "width", "height", "pixel_format", "flags", "handles", "pitches", "offsets", "modifier"})
public final class DrmModeFbCmd2 extends KernelStruct {
    public int fb_id;
    public int width;
    public int height;
    public int pixel_format;
    public int flags;
    public int[] handles = new int[4];
    public int[] pitches = new int[4];
    public int[] offsets = new int[4];
    public long[] modifier = new long[4];
}
