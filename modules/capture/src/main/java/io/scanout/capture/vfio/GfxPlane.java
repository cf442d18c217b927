package io.scanout.capture.vfio;

/**
 * A plane as {@code VFIO_DEVICE_QUERY_GFX_PLANE} reports it ({@code struct vfio_device_gfx_plane_info}),
 * fields as the kernel's raw {@code u32} bit patterns: nothing here is validated yet.
 *
 * @param drmFormat the DRM fourcc; 0 when the plane is off
 * @param modifier  the DRM format modifier (tiling)
 * @param size      bytes of the plane, page-aligned; 0 when the plane is off
 * @param xPos      cursor position, horizontal (cursor planes)
 * @param yPos      cursor position, vertical
 * @param xHot      cursor hotspot, horizontal
 * @param yHot      cursor hotspot, vertical
 * @param id        {@code dmabuf_id} for {@link PlaneKind#DMABUF}, {@code region_index} for {@link PlaneKind#REGION}
 */
public record GfxPlane(int drmFormat, long modifier, int width, int height, int stride, int size,
                       int xPos, int yPos, int xHot, int yHot, int id) {
    /** A plane that is off: the query succeeded with every field zero. */
    public static final GfxPlane DISABLED = new GfxPlane(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Whether the plane shows something: a format and a size, as QEMU decides it. */
    public boolean isEnabled() {
        return drmFormat != 0 && size != 0;
    }
}
