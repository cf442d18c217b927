package io.scanout.capture.vfio.internal;

/**
 * The VFIO and dma-buf numbers Scanout uses, as {@code linux/vfio.h} and {@code linux/dma-buf.h}
 * define them; {@code VfioAbiTest} compiles those headers and compares every value.
 *
 * <p>VFIO encodes its requests with {@code _IO} (no size, no direction) whatever they pass,
 * with type {@code ';'} and numbers from {@code VFIO_BASE} = 100.
 */
public final class VfioAbi {
    public static final char VFIO_TYPE = ';';
    public static final int VFIO_BASE = 100;
    public static final int VFIO_API_VERSION = 0;

    public static final long VFIO_GET_API_VERSION = Ioc.io(VFIO_TYPE, VFIO_BASE);
    public static final long VFIO_CHECK_EXTENSION = Ioc.io(VFIO_TYPE, VFIO_BASE + 1);
    public static final long VFIO_SET_IOMMU = Ioc.io(VFIO_TYPE, VFIO_BASE + 2);
    public static final long VFIO_GROUP_GET_STATUS = Ioc.io(VFIO_TYPE, VFIO_BASE + 3);
    public static final long VFIO_GROUP_SET_CONTAINER = Ioc.io(VFIO_TYPE, VFIO_BASE + 4);
    public static final long VFIO_GROUP_UNSET_CONTAINER = Ioc.io(VFIO_TYPE, VFIO_BASE + 5);
    public static final long VFIO_GROUP_GET_DEVICE_FD = Ioc.io(VFIO_TYPE, VFIO_BASE + 6);
    public static final long VFIO_DEVICE_GET_INFO = Ioc.io(VFIO_TYPE, VFIO_BASE + 7);
    public static final long VFIO_DEVICE_GET_REGION_INFO = Ioc.io(VFIO_TYPE, VFIO_BASE + 8);
    public static final long VFIO_DEVICE_QUERY_GFX_PLANE = Ioc.io(VFIO_TYPE, VFIO_BASE + 14);
    public static final long VFIO_DEVICE_GET_GFX_DMABUF = Ioc.io(VFIO_TYPE, VFIO_BASE + 15);

    public static final int VFIO_TYPE1_IOMMU = 1;
    public static final int VFIO_TYPE1v2_IOMMU = 3;
    public static final int VFIO_NOIOMMU_IOMMU = 8;

    public static final int VFIO_GROUP_FLAGS_VIABLE = 1;
    public static final int VFIO_GROUP_FLAGS_CONTAINER_SET = 1 << 1;

    public static final int VFIO_REGION_INFO_FLAG_READ = 1;
    public static final int VFIO_REGION_INFO_FLAG_WRITE = 1 << 1;
    public static final int VFIO_REGION_INFO_FLAG_MMAP = 1 << 2;
    public static final int VFIO_REGION_INFO_FLAG_CAPS = 1 << 3;
    public static final int VFIO_REGION_INFO_CAP_TYPE = 2;
    public static final int VFIO_REGION_TYPE_GFX = 1;
    public static final int VFIO_REGION_SUBTYPE_GFX_EDID = 1;
    public static final int VFIO_DEVICE_GFX_LINK_STATE_UP = 1;
    public static final int VFIO_DEVICE_GFX_LINK_STATE_DOWN = 2;

    public static final int VFIO_GFX_PLANE_TYPE_PROBE = 1;
    public static final int VFIO_GFX_PLANE_TYPE_DMABUF = 1 << 1;
    public static final int VFIO_GFX_PLANE_TYPE_REGION = 1 << 2;

    /**
     * The kernel's {@code enum drm_plane_type} (in {@code include/drm/drm_plane.h}, which is not
     * uapi, so no installed header has it; QEMU writes the same values): overlay 0, primary 1,
     * cursor 2.
     */
    public static final int DRM_PLANE_TYPE_PRIMARY = 1;
    public static final int DRM_PLANE_TYPE_CURSOR = 2;

    public static final char DMA_BUF_BASE = 'b';
    public static final long DMA_BUF_IOCTL_SYNC = Ioc.iow(DMA_BUF_BASE, 0, 8);
    public static final long DMA_BUF_SYNC_READ = 1;
    public static final long DMA_BUF_SYNC_WRITE = 2;
    public static final long DMA_BUF_SYNC_RW = DMA_BUF_SYNC_READ | DMA_BUF_SYNC_WRITE;
    public static final long DMA_BUF_SYNC_START = 0;
    public static final long DMA_BUF_SYNC_END = 1 << 2;

    private VfioAbi() {
    }
}
