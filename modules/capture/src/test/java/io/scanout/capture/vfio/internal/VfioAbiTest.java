package io.scanout.capture.vfio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every struct layout, ioctl number and constant of the VFIO and dma-buf bindings against what
 * gcc makes of the machine's {@code linux/vfio.h} and {@code linux/dma-buf.h}.
 */
class VfioAbiTest {
    @TempDir
    Path dir;

    /** C struct name → (C field → Java field) and the Java mirror. */
    private record Mirror(String struct, KernelStruct java, Map<String, String> fields) {
    }

    private static Map<String, String> same(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, n);
        }
        return m;
    }

    private static List<Mirror> mirrors() {
        Map<String, String> plane = same("argsz", "flags", "drm_plane_type", "drm_format", "drm_format_mod", "width",
                "height", "stride", "size", "x_pos", "y_pos", "x_hot", "y_hot");
        plane.put("region_index", "region_index_or_dmabuf_id");
        plane.put("dmabuf_id", "region_index_or_dmabuf_id");
        Map<String, String> capType = new LinkedHashMap<>();
        capType.put("header.id", "id");
        capType.put("header.version", "version");
        capType.put("header.next", "next");
        capType.put("type", "type");
        capType.put("subtype", "subtype");
        return List.of(
                new Mirror("vfio_device_gfx_plane_info", new VfioDeviceGfxPlaneInfo(), plane),
                new Mirror("vfio_region_info", new VfioRegionInfo(),
                        same("argsz", "flags", "index", "cap_offset", "size", "offset")),
                new Mirror("vfio_device_info", new VfioDeviceInfo(),
                        same("argsz", "flags", "num_regions", "num_irqs", "cap_offset")),
                new Mirror("vfio_group_status", new VfioGroupStatus(), same("argsz", "flags")),
                new Mirror("vfio_region_gfx_edid", new VfioRegionGfxEdid(),
                        same("edid_offset", "edid_max_size", "edid_size", "max_xres", "max_yres", "link_state")),
                new Mirror("vfio_region_info_cap_type", new VfioRegionInfoCapType(), capType),
                new Mirror("dma_buf_sync", new DmaBufSync(), same("flags")));
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
        HeaderProbe probe = HeaderProbe.requiring("linux/vfio.h", "linux/dma-buf.h");
        for (Mirror m : mirrors()) {
            probe.sizeOf(m.struct);
            m.fields.keySet().forEach(f -> probe.offsetOf(m.struct, f));
        }
        constants().keySet().forEach(probe::value);
        Map<String, Long> c = probe.run(dir);

        SoftAssertions soft = new SoftAssertions();
        for (Mirror m : mirrors()) {
            soft.assertThat((long) m.java.size()).as("sizeof %s", m.struct).isEqualTo(c.get("sizeof " + m.struct));
            m.fields.forEach((cField, javaField) -> soft.assertThat((long) m.java.offsetOf(javaField))
                    .as("offsetof %s.%s", m.struct, cField).isEqualTo(c.get("offsetof " + m.struct + "." + cField)));
        }
        constants().forEach((name, java) -> soft.assertThat(java).as(name).isEqualTo(c.get(name)));
        soft.assertAll();
        // The numbers the issue quotes, as a second witness that the probe itself reads right.
        assertThat(c.get("VFIO_DEVICE_QUERY_GFX_PLANE")).isEqualTo(0x3B72L);
        assertThat(c.get("VFIO_DEVICE_GET_GFX_DMABUF")).isEqualTo(0x3B73L);
        assertThat(c.get("DMA_BUF_IOCTL_SYNC")).isEqualTo(0x40086200L);
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
