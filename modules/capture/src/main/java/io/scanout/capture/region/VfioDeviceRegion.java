package io.scanout.capture.region;

import io.scanout.capture.vfio.GfxDevice;
import io.scanout.capture.vfio.GfxRegionInfo;
import io.scanout.capture.vfio.MappedRegion;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A VFIO device region that holds a framebuffer and the protocol's metadata at its end: the
 * device opened, the region's info read, the region mapped read-write (the consumer writes
 * {@code state}). Closes the mapping, then the device. A device region's size is fixed.
 */
final class VfioDeviceRegion implements SharedRegion {
    private final String name;
    private final GfxDevice device;
    private final MappedRegion mapping;
    private final ByteBuffer buffer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private VfioDeviceRegion(String name, GfxDevice device, MappedRegion mapping) {
        this.name = name;
        this.device = device;
        this.mapping = mapping;
        this.buffer = mapping.buffer();
    }

    /**
     * Opens the device, checks region {@code index} can hold the protocol and be mapped
     * read-write, and maps it.
     *
     * @throws RegionException        naming the region and what it lacks
     * @throws io.scanout.capture.vfio.VfioException when the device cannot be opened or read
     */
    static VfioDeviceRegion open(Supplier<GfxDevice> opener, int index) {
        GfxDevice device = opener.get();
        String name = "region " + index + " of " + device.name();
        try {
            GfxRegionInfo info = device.regionInfo(index);
            if (!info.canMmap() || !info.canRead() || !info.canWrite()) {
                throw new RegionException(name + " cannot hold the region protocol: it must be readable, writable and"
                        + " mappable, and its flags are 0x" + Integer.toHexString(info.flags()));
            }
            SharedRegion.checkSize(name, info.size());
            return new VfioDeviceRegion(name, device, device.mapRegion(info, true));
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return mapping.size();
    }

    @Override
    public long sizeNow() {
        return mapping.size();
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                mapping.close();
            } finally {
                device.close();
            }
        }
    }
}
