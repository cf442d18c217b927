package io.scanout.capture.vfio.internal;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct vfio_device_gfx_plane_info} ({@code linux/vfio.h}): the argument of
 * {@code VFIO_DEVICE_QUERY_GFX_PLANE}. The anonymous union of {@code region_index} and
 * {@code dmabuf_id} is the one field {@link #region_index_or_dmabuf_id}. Field names are the
 * kernel's, so the struct reads against the header.
 */
@FieldOrder({"argsz", "flags", "drm_plane_type", "drm_format", "drm_format_mod", "width", "height", "stride", "size",
        "x_pos", "y_pos", "x_hot", "y_hot", "region_index_or_dmabuf_id"})
public final class VfioDeviceGfxPlaneInfo extends KernelStruct {
    public int argsz;
    public int flags;
    public int drm_plane_type;
    public int drm_format;
    public long drm_format_mod;
    public int width;
    public int height;
    public int stride;
    public int size;
    public int x_pos;
    public int y_pos;
    public int x_hot;
    public int y_hot;
    public int region_index_or_dmabuf_id;

    public VfioDeviceGfxPlaneInfo() {
        argsz = size();
    }
}
