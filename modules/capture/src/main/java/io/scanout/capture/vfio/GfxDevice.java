package io.scanout.capture.vfio;

/**
 * The display side of a VFIO device, the few calls capture needs, so the capture logic runs the
 * same against a real mediated device ({@link VfioDevices#open}) and an emulated one in tests.
 *
 * <p>Used by one thread (a VFIO source's poller), which opens it on subscribe and closes it when
 * the subscription ends. Every call blocks for one system call; failures are
 * {@link VfioException}s naming the call and the errno.
 */
public interface GfxDevice extends AutoCloseable {
    /** The device's name for logs, e.g. its mdev UUID. */
    String name();

    /** {@code VFIO_DEVICE_QUERY_GFX_PLANE} with {@code PROBE}: whether the device offers planes of this kind. */
    boolean supports(PlaneKind kind);

    /**
     * {@code VFIO_DEVICE_QUERY_GFX_PLANE}: the plane of a DRM plane type ({@code 1} primary,
     * {@code 2} cursor) as it is now. A plane that is off comes back with zero format and size
     * ({@link GfxPlane#isEnabled()} false), not as an error.
     */
    GfxPlane queryPlane(PlaneKind kind, int drmPlaneType);

    /** {@code VFIO_DEVICE_GET_GFX_DMABUF}: a new dma-buf fd for {@code dmabufId}; the caller owns and closes it. */
    int dmaBufFd(int dmabufId);

    /** How many regions the device has ({@code num_regions} of {@code VFIO_DEVICE_GET_INFO}). */
    int regionCount();

    /** {@code VFIO_DEVICE_GET_REGION_INFO} of region {@code index}, with its type capability if any. */
    GfxRegionInfo regionInfo(int index);

    /** {@code pread} of {@code into.length} bytes at {@code offset} within a region. */
    void readRegion(GfxRegionInfo region, long offset, byte[] into);

    /** {@code pwrite} of all of {@code from} at {@code offset} within a region. */
    void writeRegion(GfxRegionInfo region, long offset, byte[] from);

    /** Maps a region read-only; the mapping is the caller's to close, before the device. */
    default MappedRegion mapRegion(GfxRegionInfo region) {
        return mapRegion(region, false);
    }

    /** Maps a region, read-write when {@code writable}; the mapping is the caller's to close, before the device. */
    MappedRegion mapRegion(GfxRegionInfo region, boolean writable);

    /** Closes the device (and what was opened to reach it), once. */
    @Override
    void close();
}
