package io.scanout.capture.vfio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.nativeio.DmaBufCpuCopy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every struct layout, ioctl number and constant of the VFIO and dma-buf bindings against what
 * gcc makes of the machine's {@code linux/vfio.h} and {@code linux/dma-buf.h}.
 */
class VfioAbiTest {
    @TempDir
    Path dir;

    private static List<StructMirror> mirrors() {
        // The plane's union: region_index and dmabuf_id share one Java field.
        StructMirror plane = StructMirror.sameNames("vfio_device_gfx_plane_info", new VfioDeviceGfxPlaneInfo(),
                        "argsz", "flags", "drm_plane_type", "drm_format", "drm_format_mod", "width", "height", "stride",
                        "size", "x_pos", "y_pos", "x_hot", "y_hot")
                .with("region_index", "region_index_or_dmabuf_id")
                .with("dmabuf_id", "region_index_or_dmabuf_id");
        StructMirror capType = StructMirror.sameNames("vfio_region_info_cap_type", new VfioRegionInfoCapType(),
                        "type", "subtype")
                .with("header.id", "id")
                .with("header.version", "version")
                .with("header.next", "next");
        return List.of(plane, capType,
                StructMirror.sameNames("vfio_region_info", new VfioRegionInfo(), "argsz", "flags", "index",
                        "cap_offset", "size", "offset"),
                StructMirror.sameNames("vfio_device_info", new VfioDeviceInfo(), "argsz", "flags", "num_regions",
                        "num_irqs", "cap_offset"),
                StructMirror.sameNames("vfio_group_status", new VfioGroupStatus(), "argsz", "flags"),
                StructMirror.sameNames("vfio_region_gfx_edid", new VfioRegionGfxEdid(), "edid_offset",
                        "edid_max_size", "edid_size", "max_xres", "max_yres", "link_state"),
                StructMirror.sameNames("dma_buf_sync", new DmaBufSync(), "flags"));
    }

    private static Map<String, Long> constants() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("VFIO_TYPE", (long) VfioAbi.VFIO_TYPE);
        c.put("VFIO_BASE", (long) VfioAbi.VFIO_BASE);
        c.put("VFIO_API_VERSION", (long) VfioAbi.VFIO_API_VERSION);
        c.put("VFIO_GET_API_VERSION", VfioAbi.VFIO_GET_API_VERSION);
        c.put("VFIO_CHECK_EXTENSION", VfioAbi.VFIO_CHECK_EXTENSION);
        c.put("VFIO_SET_IOMMU", VfioAbi.VFIO_SET_IOMMU);
        c.put("VFIO_GROUP_GET_STATUS", VfioAbi.VFIO_GROUP_GET_STATUS);
        c.put("VFIO_GROUP_SET_CONTAINER", VfioAbi.VFIO_GROUP_SET_CONTAINER);
        c.put("VFIO_GROUP_UNSET_CONTAINER", VfioAbi.VFIO_GROUP_UNSET_CONTAINER);
        c.put("VFIO_GROUP_GET_DEVICE_FD", VfioAbi.VFIO_GROUP_GET_DEVICE_FD);
        c.put("VFIO_DEVICE_GET_INFO", VfioAbi.VFIO_DEVICE_GET_INFO);
        c.put("VFIO_DEVICE_GET_REGION_INFO", VfioAbi.VFIO_DEVICE_GET_REGION_INFO);
        c.put("VFIO_DEVICE_QUERY_GFX_PLANE", VfioAbi.VFIO_DEVICE_QUERY_GFX_PLANE);
        c.put("VFIO_DEVICE_GET_GFX_DMABUF", VfioAbi.VFIO_DEVICE_GET_GFX_DMABUF);
        c.put("VFIO_TYPE1_IOMMU", (long) VfioAbi.VFIO_TYPE1_IOMMU);
        c.put("VFIO_TYPE1v2_IOMMU", (long) VfioAbi.VFIO_TYPE1v2_IOMMU);
        c.put("VFIO_NOIOMMU_IOMMU", (long) VfioAbi.VFIO_NOIOMMU_IOMMU);
        c.put("VFIO_GROUP_FLAGS_VIABLE", (long) VfioAbi.VFIO_GROUP_FLAGS_VIABLE);
        c.put("VFIO_GROUP_FLAGS_CONTAINER_SET", (long) VfioAbi.VFIO_GROUP_FLAGS_CONTAINER_SET);
        c.put("VFIO_REGION_INFO_FLAG_READ", (long) VfioAbi.VFIO_REGION_INFO_FLAG_READ);
        c.put("VFIO_REGION_INFO_FLAG_WRITE", (long) VfioAbi.VFIO_REGION_INFO_FLAG_WRITE);
        c.put("VFIO_REGION_INFO_FLAG_MMAP", (long) VfioAbi.VFIO_REGION_INFO_FLAG_MMAP);
        c.put("VFIO_REGION_INFO_FLAG_CAPS", (long) VfioAbi.VFIO_REGION_INFO_FLAG_CAPS);
        c.put("VFIO_REGION_INFO_CAP_TYPE", (long) VfioAbi.VFIO_REGION_INFO_CAP_TYPE);
        c.put("VFIO_REGION_TYPE_GFX", (long) VfioAbi.VFIO_REGION_TYPE_GFX);
        c.put("VFIO_REGION_SUBTYPE_GFX_EDID", (long) VfioAbi.VFIO_REGION_SUBTYPE_GFX_EDID);
        c.put("VFIO_DEVICE_GFX_LINK_STATE_UP", (long) VfioAbi.VFIO_DEVICE_GFX_LINK_STATE_UP);
        c.put("VFIO_DEVICE_GFX_LINK_STATE_DOWN", (long) VfioAbi.VFIO_DEVICE_GFX_LINK_STATE_DOWN);
        c.put("VFIO_GFX_PLANE_TYPE_PROBE", (long) VfioAbi.VFIO_GFX_PLANE_TYPE_PROBE);
        c.put("VFIO_GFX_PLANE_TYPE_DMABUF", (long) VfioAbi.VFIO_GFX_PLANE_TYPE_DMABUF);
        c.put("VFIO_GFX_PLANE_TYPE_REGION", (long) VfioAbi.VFIO_GFX_PLANE_TYPE_REGION);
        c.put("DMA_BUF_BASE", (long) VfioAbi.DMA_BUF_BASE);
        c.put("DMA_BUF_IOCTL_SYNC", VfioAbi.DMA_BUF_IOCTL_SYNC);
        c.put("DMA_BUF_SYNC_READ", VfioAbi.DMA_BUF_SYNC_READ);
        c.put("DMA_BUF_SYNC_WRITE", VfioAbi.DMA_BUF_SYNC_WRITE);
        c.put("DMA_BUF_SYNC_RW", VfioAbi.DMA_BUF_SYNC_RW);
        c.put("DMA_BUF_SYNC_START", VfioAbi.DMA_BUF_SYNC_START);
        c.put("DMA_BUF_SYNC_END", VfioAbi.DMA_BUF_SYNC_END);
        return c;
    }

    @Test
    void structsIoctlsAndConstantsMatchTheKernelHeaders() throws Exception {
        Map<String, Long> c = StructMirror.assertMatch(dir, List.of("linux/vfio.h", "linux/dma-buf.h"), mirrors(),
                constants());
        // The numbers the issue quotes, as a second witness that the probe itself reads right.
        assertThat(c.get("VFIO_DEVICE_QUERY_GFX_PLANE")).isEqualTo(0x3B72L);
        assertThat(c.get("VFIO_DEVICE_GET_GFX_DMABUF")).isEqualTo(0x3B73L);
        assertThat(c.get("DMA_BUF_IOCTL_SYNC")).isEqualTo(0x40086200L);
        // core's CPU copy of a dma-buf has its own copy of the sync numbers (core cannot see VfioAbi):
        // held to the same header here.
        assertThat(DmaBufCpuCopy.DMA_BUF_IOCTL_SYNC).as("DmaBufCpuCopy.DMA_BUF_IOCTL_SYNC")
                .isEqualTo(c.get("DMA_BUF_IOCTL_SYNC"));
        assertThat(DmaBufCpuCopy.SYNC_READ).as("DmaBufCpuCopy.SYNC_READ").isEqualTo(c.get("DMA_BUF_SYNC_READ"));
        assertThat(DmaBufCpuCopy.SYNC_START).as("DmaBufCpuCopy.SYNC_START").isEqualTo(c.get("DMA_BUF_SYNC_START"));
        assertThat(DmaBufCpuCopy.SYNC_END).as("DmaBufCpuCopy.SYNC_END").isEqualTo(c.get("DMA_BUF_SYNC_END"));
    }

    @Test
    void argszIsTheStructSize() {
        assertThat(new VfioDeviceGfxPlaneInfo().argsz).isEqualTo(new VfioDeviceGfxPlaneInfo().size()).isEqualTo(64);
        assertThat(new VfioRegionInfo().argsz).isEqualTo(32);
        assertThat(new VfioDeviceInfo().argsz).isEqualTo(20);
        assertThat(new VfioGroupStatus().argsz).isEqualTo(8);
    }

    @Test
    void iocEncodesAsTheKernelDoes() {
        assertThat(Ioc.io(';', 114)).isEqualTo(0x3B72L);
        assertThat(Ioc.iow('b', 0, 8)).isEqualTo(0x40086200L);
        assertThat(Ioc.ior('d', 0xAF, 16)).isEqualTo(0x801064AFL);
        assertThat(Ioc.iowr('d', 0xB8, 104)).isEqualTo(0xC06864B8L);
    }
}
