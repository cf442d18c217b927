package io.scanout.capture.vfio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import io.scanout.capture.vfio.internal.VfioAbi;
import io.scanout.capture.vfio.internal.VfioDeviceGfxPlaneInfo;
import io.scanout.capture.vfio.internal.VfioDeviceInfo;
import io.scanout.capture.vfio.internal.VfioGroupStatus;
import io.scanout.capture.vfio.internal.VfioLibC;
import io.scanout.capture.vfio.internal.VfioRegionInfo;
import io.scanout.capture.vfio.internal.VfioRegionInfoCapType;
import io.scanout.core.nativeio.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real VFIO device, opened as QEMU opens one: the device's IOMMU group from sysfs, the group's
 * {@code /dev/vfio/N}, a container ({@code /dev/vfio/vfio}) with an IOMMU model set, and the
 * device fd from {@code VFIO_GROUP_GET_DEVICE_FD}. Each step's fd is closed in reverse order on
 * {@link #close()}, or at once when a later step fails.
 */
final class VfioGfxDevice implements GfxDevice {
    private static final Logger log = LoggerFactory.getLogger(VfioGfxDevice.class);
    private static final Path CONTAINER = Path.of("/dev/vfio/vfio");
    private static final int EINVAL = 22;
    private static final int ENOTTY = 25;
    /** More capability bytes than this is a driver's bug, not a region. */
    private static final int MAX_INFO_BYTES = 64 * 1024;

    private final String name;
    private final int deviceFd;
    private final int regions;
    private final Deque<Integer> fds;
    private final AtomicBoolean closed = new AtomicBoolean();

    private VfioGfxDevice(String name, int deviceFd, int regions, Deque<Integer> fds) {
        this.name = name;
        this.deviceFd = deviceFd;
        this.regions = regions;
        this.fds = fds;
    }

    /**
     * Opens the device whose sysfs directory this is, e.g. {@code /sys/bus/mdev/devices/UUID}.
     *
     * @throws VfioException naming the step that failed and why
     */
    static VfioGfxDevice open(Path sysfsDevice) {
        String name = sysfsDevice.getFileName().toString();
        if (!Files.isDirectory(sysfsDevice)) {
            throw new VfioException("no VFIO device " + name + ": " + sysfsDevice + " does not exist");
        }
        String group;
        try {
            group = Files.readSymbolicLink(sysfsDevice.resolve("iommu_group")).getFileName().toString();
        } catch (IOException e) {
            throw new VfioException("device " + name + " has no IOMMU group (" + sysfsDevice.resolve("iommu_group")
                    + ": " + e.getMessage() + "); is it bound to a VFIO driver?");
        }
        Deque<Integer> fds = new ArrayDeque<>();
        try {
            int container = openFd(CONTAINER, fds, name);
            int version = ioctlValue(container, VfioAbi.VFIO_GET_API_VERSION, 0, "VFIO_GET_API_VERSION", name);
            if (version != VfioAbi.VFIO_API_VERSION) {
                throw new VfioException("VFIO API version " + version + " is not the " + VfioAbi.VFIO_API_VERSION
                        + " Scanout speaks");
            }
            Path groupPath = Path.of("/dev/vfio", group);
            int groupFd = openFd(groupPath, fds, name);
            VfioGroupStatus status = new VfioGroupStatus();
            ioctlStruct(groupFd, VfioAbi.VFIO_GROUP_GET_STATUS, status, "VFIO_GROUP_GET_STATUS on " + groupPath, name);
            if ((status.flags & VfioAbi.VFIO_GROUP_FLAGS_VIABLE) == 0) {
                throw new VfioException("IOMMU group " + group + " of " + name + " is not viable: every device in it"
                        + " must be bound to a VFIO driver");
            }
            try (Memory containerArg = new Memory(4)) {
                containerArg.setInt(0, container);
                VfioLibC.ioctl(groupFd, new NativeLong(VfioAbi.VFIO_GROUP_SET_CONTAINER), containerArg);
            } catch (LastErrorException e) {
                throw new VfioException("VFIO_GROUP_SET_CONTAINER for group " + group + " of " + name, e);
            }
            setIommu(container, name, group);
            int device;
            try {
                device = VfioLibC.ioctl(groupFd, new NativeLong(VfioAbi.VFIO_GROUP_GET_DEVICE_FD), name);
            } catch (LastErrorException e) {
                throw new VfioException("VFIO_GROUP_GET_DEVICE_FD for " + name + " in group " + group, e);
            }
            fds.push(device);
            VfioDeviceInfo info = new VfioDeviceInfo();
            ioctlStruct(device, VfioAbi.VFIO_DEVICE_GET_INFO, info, "VFIO_DEVICE_GET_INFO", name);
            log.info("vfio {}: opened through group {} ({} regions)", name, group, info.num_regions);
            return new VfioGfxDevice(name, device, info.num_regions, fds);
        } catch (RuntimeException e) {
            closeAll(fds, name);
            throw e;
        }
    }

    private static void setIommu(int container, String name, String group) {
        for (int model : new int[] {VfioAbi.VFIO_TYPE1v2_IOMMU, VfioAbi.VFIO_TYPE1_IOMMU, VfioAbi.VFIO_NOIOMMU_IOMMU}) {
            int offered = ioctlValue(container, VfioAbi.VFIO_CHECK_EXTENSION, model, "VFIO_CHECK_EXTENSION", name);
            if (offered > 0) {
                ioctlValue(container, VfioAbi.VFIO_SET_IOMMU, model, "VFIO_SET_IOMMU " + model, name);
                return;
            }
        }
        throw new VfioException("the VFIO container for group " + group + " of " + name
                + " offers no IOMMU model Scanout knows (type1v2, type1, noiommu)");
    }

    private static int openFd(Path path, Deque<Integer> fds, String name) {
        try {
            int fd = LibC.open(path.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
            fds.push(fd);
            return fd;
        } catch (LastErrorException e) {
            throw new VfioException("cannot open " + path + " for " + name
                    + (e.getErrorCode() == 16 ? " (busy: another process, e.g. QEMU, holds the group)" : ""), e);
        }
    }

    private static int ioctlValue(int fd, long request, long value, String what, String name) {
        try {
            return VfioLibC.ioctl(fd, new NativeLong(request), value);
        } catch (LastErrorException e) {
            throw new VfioException(what + " for " + name, e);
        }
    }

    private static void ioctlStruct(int fd, long request, com.sun.jna.Structure struct, String what, String name) {
        struct.write();
        try {
            VfioLibC.ioctl(fd, new NativeLong(request), struct.getPointer());
        } catch (LastErrorException e) {
            throw new VfioException(what + " for " + name, e);
        }
        struct.read();
    }

    private static void closeAll(Deque<Integer> fds, String name) {
        while (!fds.isEmpty()) {
            int fd = fds.pop();
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                log.warn(LibC.describe("vfio " + name + ": close of fd " + fd, e));
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supports(PlaneKind kind) {
        VfioDeviceGfxPlaneInfo probe = new VfioDeviceGfxPlaneInfo();
        probe.flags = VfioAbi.VFIO_GFX_PLANE_TYPE_PROBE | kind.flag();
        probe.write();
        try {
            VfioLibC.ioctl(deviceFd, new NativeLong(VfioAbi.VFIO_DEVICE_QUERY_GFX_PLANE), probe.getPointer());
            return true;
        } catch (LastErrorException e) {
            // EINVAL: not this kind; ENOTTY: no display at all (the driver has no query_gfx_plane).
            if (e.getErrorCode() == EINVAL || e.getErrorCode() == ENOTTY) {
                return false;
            }
            throw new VfioException("VFIO_DEVICE_QUERY_GFX_PLANE probe of " + kind + " planes on " + name, e);
        }
    }

    @Override
    public GfxPlane queryPlane(PlaneKind kind, int drmPlaneType) {
        VfioDeviceGfxPlaneInfo plane = new VfioDeviceGfxPlaneInfo();
        plane.flags = kind.flag();
        plane.drm_plane_type = drmPlaneType;
        ioctlStruct(deviceFd, VfioAbi.VFIO_DEVICE_QUERY_GFX_PLANE, plane,
                "VFIO_DEVICE_QUERY_GFX_PLANE (" + kind + ", plane type " + drmPlaneType + ")", name);
        return new GfxPlane(plane.drm_format, plane.drm_format_mod, plane.width, plane.height, plane.stride,
                plane.size, plane.x_pos, plane.y_pos, plane.x_hot, plane.y_hot, plane.region_index_or_dmabuf_id);
    }

    @Override
    public int dmaBufFd(int dmabufId) {
        try (Memory id = new Memory(4)) {
            id.setInt(0, dmabufId);
            return VfioLibC.ioctl(deviceFd, new NativeLong(VfioAbi.VFIO_DEVICE_GET_GFX_DMABUF), id);
        } catch (LastErrorException e) {
            throw new VfioException("VFIO_DEVICE_GET_GFX_DMABUF of dmabuf_id " + Integer.toUnsignedString(dmabufId)
                    + " on " + name, e);
        }
    }

    @Override
    public int regionCount() {
        return regions;
    }

    @Override
    public GfxRegionInfo regionInfo(int index) {
        if (index < 0 || index >= regions) {
            throw new VfioException("region " + index + " of " + name + " does not exist (the device has " + regions + ")");
        }
        VfioRegionInfo info = new VfioRegionInfo();
        info.index = index;
        ioctlStruct(deviceFd, VfioAbi.VFIO_DEVICE_GET_REGION_INFO, info, "VFIO_DEVICE_GET_REGION_INFO " + index, name);
        int type = 0;
        int subtype = 0;
        int needed = info.argsz;
        if ((info.flags & VfioAbi.VFIO_REGION_INFO_FLAG_CAPS) != 0 && needed > info.size() && needed <= MAX_INFO_BYTES) {
            // The capability chain follows the struct: ask again with room for it, then walk it.
            try (Memory withCaps = new Memory(needed)) {
                withCaps.clear();
                withCaps.setInt(0, needed);
                withCaps.setInt(info.offsetOf("index"), index);
                VfioLibC.ioctl(deviceFd, new NativeLong(VfioAbi.VFIO_DEVICE_GET_REGION_INFO), withCaps);
                int at = withCaps.getInt(info.offsetOf("cap_offset"));
                VfioRegionInfoCapType cap = new VfioRegionInfoCapType();
                // Each hop must move forward and stay inside the buffer: the chain comes from a driver.
                for (int hops = 0; at >= info.size() && at + cap.size() <= needed && hops < 64; hops++) {
                    int id = withCaps.getShort(at) & 0xffff;
                    if (id == VfioAbi.VFIO_REGION_INFO_CAP_TYPE) {
                        type = withCaps.getInt(at + cap.offsetOf("type"));
                        subtype = withCaps.getInt(at + cap.offsetOf("subtype"));
                        break;
                    }
                    int next = withCaps.getInt(at + cap.offsetOf("next"));
                    if (next <= at) {
                        break;
                    }
                    at = next;
                }
            } catch (LastErrorException e) {
                throw new VfioException("VFIO_DEVICE_GET_REGION_INFO " + index + " with capabilities for " + name, e);
            }
        }
        return new GfxRegionInfo(info.index, info.flags, info.size, info.offset, type, subtype);
    }

    @Override
    public void readRegion(GfxRegionInfo region, long offset, byte[] into) {
        checkInside(region, offset, into.length);
        try (Memory buffer = new Memory(Math.max(1, into.length))) {
            long n = VfioLibC.pread(deviceFd, buffer, into.length, region.offset() + offset);
            if (n != into.length) {
                throw new VfioException("short read of region " + region.index() + " of " + name + ": " + n + " of "
                        + into.length + " B at " + offset);
            }
            buffer.read(0, into, 0, into.length);
        } catch (LastErrorException e) {
            throw new VfioException("pread of region " + region.index() + " of " + name + " at " + offset, e);
        }
    }

    @Override
    public void writeRegion(GfxRegionInfo region, long offset, byte[] from) {
        checkInside(region, offset, from.length);
        try (Memory buffer = new Memory(Math.max(1, from.length))) {
            buffer.write(0, from, 0, from.length);
            long n = VfioLibC.pwrite(deviceFd, buffer, from.length, region.offset() + offset);
            if (n != from.length) {
                throw new VfioException("short write to region " + region.index() + " of " + name + ": " + n + " of "
                        + from.length + " B at " + offset);
            }
        } catch (LastErrorException e) {
            throw new VfioException("pwrite to region " + region.index() + " of " + name + " at " + offset, e);
        }
    }

    private void checkInside(GfxRegionInfo region, long offset, int length) {
        if (offset < 0 || offset + length > region.size()) {
            throw new VfioException(length + " B at " + offset + " lie outside region " + region.index() + " of " + name
                    + " (" + region.size() + " B)");
        }
    }

    @Override
    public MappedRegion mapRegion(GfxRegionInfo region, boolean writable) {
        if (!region.canMmap()) {
            throw new VfioException("region " + region.index() + " of " + name + " cannot be mapped (flags 0x"
                    + Integer.toHexString(region.flags()) + " lack VFIO_REGION_INFO_FLAG_MMAP)");
        }
        return MappedRegion.map(deviceFd, region.offset(), region.size(), writable,
                "region " + region.index() + " of " + name);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(fds, name);
            log.info("vfio {}: closed", name);
        }
    }

    @Override
    public String toString() {
        return "VfioGfxDevice[" + name + "]";
    }
}
