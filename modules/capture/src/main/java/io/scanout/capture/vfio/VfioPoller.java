package io.scanout.capture.vfio;

import com.sun.jna.LastErrorException;
import io.scanout.capture.internal.FrameEmitter;
import io.scanout.capture.internal.OncePerCause;
import io.scanout.capture.internal.PollingThread;
import io.scanout.capture.internal.PooledCopy;
import io.scanout.capture.vfio.internal.VfioAbi;
import io.scanout.core.DmaBuf;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.core.nativeio.LibC;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

/**
 * One subscription to a VFIO display: a thread, {@code scanout-vfio-N}, that opens the device,
 * probes its plane kind, and at each tick of the frame rate (when the subscriber has demand)
 * queries the primary plane and emits it.
 *
 * <ul>
 *   <li>dma-buf planes: the frame is the dma-buf itself ({@link Frame#isDmaBuf()}), zero copy.
 *       Buffers are cached by {@code dmabuf_id} ({@link DmaBufCache}), so an unchanged plane costs
 *       one ioctl; each event holds its own reference, and a buffer's fd is closed once, when the
 *       cache and every event are done with it.</li>
 *   <li>region planes: the region is mapped once (again when its index changes) and the plane,
 *       at its start, is copied into a pooled frame.</li>
 *   <li>a plane that is off (zero format or size) is a blank screen: one black frame is sent
 *       when the display goes off, then nothing until it is back.</li>
 *   <li>a plane with bad fields is dropped: logged once per cause, counted as
 *       {@link DropReason#ERROR}, and the next tick queries again.</li>
 *   <li>dma-buf devices: the cursor plane is queried at the same ticks and reported apart, as
 *       {@link CursorEvent}s ({@link CursorTracker}).</li>
 *   <li>a size asked with {@link VfioSource#requestSize} goes to the guest through the EDID
 *       region at the next tick ({@link EdidUpdater}).</li>
 *   <li>a failing ioctl on the device (it went away, the guest reset it) ends the flux with a
 *       {@link VfioException}; a pipeline's retry opens the device afresh.</li>
 * </ul>
 *
 * <p>Damage is whole: the device reports no damage. Everything here is confined to the thread,
 * which closes the cache, the mapping and the device (in that order) when it ends.
 */
final class VfioPoller extends PollingThread {
    private static final Logger log = LoggerFactory.getLogger(VfioPoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final VfioSettings settings;
    private final Supplier<GfxDevice> opener;
    private final Consumer<CursorEvent> cursorEvents;
    private final AtomicReference<int[]> requestedSize;
    private final long periodNanos;
    private final FramePool pool;

    // Confined to the polling thread.
    private GfxDevice device;
    private PlaneKind kind;
    private CursorTracker cursor;
    private EdidUpdater edid;
    private final DmaBufCache cache = new DmaBufCache();
    private MappedRegion region;
    private ByteBuffer regionBuffer;
    private int regionIndex = -1;
    private final FrameEmitter emitter;
    private final OncePerCause<PlaneFault> drops;

    private VfioPoller(VfioSettings settings, Supplier<GfxDevice> opener, Consumer<CursorEvent> cursorEvents,
                       AtomicReference<int[]> requestedSize, long periodNanos, FramePool pool, StreamMeters meters,
                       FluxSink<FrameEvent> sink) {
        super(sink, meters, "scanout-vfio-" + THREADS.incrementAndGet());
        this.settings = settings;
        this.opener = opener;
        this.cursorEvents = cursorEvents;
        this.requestedSize = requestedSize;
        this.periodNanos = periodNanos;
        this.pool = pool;
        this.emitter = new FrameEmitter(sink, meters, log, "vfio {}: the display changed from {} to {}");
        this.drops = new OncePerCause<>(PlaneFault.class, log, meters, "polling goes on");
    }

    static void start(VfioSettings settings, Supplier<GfxDevice> opener, Consumer<CursorEvent> cursorEvents,
                      AtomicReference<int[]> requestedSize, long periodNanos, FramePool pool, StreamMeters meters,
                      FluxSink<FrameEvent> sink) {
        new VfioPoller(settings, opener, cursorEvents, requestedSize, periodNanos, pool, meters, sink).startPolling();
    }

    @Override
    public void run() {
        try {
            if (stopped()) {
                return;
            }
            device = opener.get();
            kind = probe();
            // QEMU follows the cursor plane in dma-buf mode only; region devices (mdpy) have none.
            cursor = kind == PlaneKind.DMABUF ? new CursorTracker(device, cursorEvents) : null;
            edid = new EdidUpdater(device);
            log.info("vfio {}: capturing {} planes, {} queries a second", device.name(), kind, settings.fps());
            tickEvery(periodNanos);
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(e);
        } catch (InternalError e) {
            // HotSpot's answer to SIGBUS in an Unsafe access: the region went away under a read.
            fail(new VfioException("the display region of " + settings.target() + " went away while it was read: " + e));
        } finally {
            closeAll();
        }
    }

    private PlaneKind probe() {
        if (settings.plane() != null) {
            if (!device.supports(settings.plane())) {
                throw new VfioException("device " + device.name() + " offers no " + settings.plane()
                        + " display planes (the VFIO_DEVICE_QUERY_GFX_PLANE probe failed)");
            }
            return settings.plane();
        }
        for (PlaneKind k : new PlaneKind[] {PlaneKind.DMABUF, PlaneKind.REGION}) {
            if (device.supports(k)) {
                return k;
            }
        }
        throw new VfioException("device " + device.name() + " offers no display: the VFIO_DEVICE_QUERY_GFX_PLANE"
                + " probe failed for both dma-buf and region planes");
    }

    /** A size asked for goes to the guest at the next tick, whether or not a frame is wanted. */
    @Override
    protected void everyTick(long now) {
        int[] size = requestedSize.getAndSet(null);
        if (size != null) {
            requestSize(size);
        }
    }

    /** A failed size request is the viewer's loss, not the stream's: say why and capture on. */
    private void requestSize(int[] size) {
        try {
            edid.request(size[0], size[1]);
        } catch (VfioException e) {
            log.warn("vfio {}: could not ask the guest for {}x{}: {}", device.name(), size[0], size[1], e.getMessage());
        }
    }

    @Override
    protected void capture(long now) {
        GfxPlane plane = device.queryPlane(kind, VfioAbi.DRM_PLANE_TYPE_PRIMARY);
        if (cursor != null) {
            cursor.poll(now);
        }
        if (!plane.isEnabled()) {
            displayOff(now);
            return;
        }
        if (emitter.displayOn()) {
            log.info("vfio {}: the display is on again", device.name());
        }
        Frame frame;
        try {
            PlaneLayout layout = PlaneCheck.layout(plane);
            frame = kind == PlaneKind.DMABUF ? dmaBufFrame(plane, layout) : regionFrame(plane, layout);
        } catch (PlaneFaultException e) {
            drop(e);
            return;
        }
        emitter.emit(device.name(), frame, now);
    }

    private Frame dmaBufFrame(GfxPlane plane, PlaneLayout layout) throws PlaneFaultException {
        Frame cached = cache.get(plane.id(), layout, plane.modifier());
        if (cached == null) {
            int fd;
            try {
                fd = device.dmaBufFd(plane.id());
            } catch (VfioException e) {
                // The id can vanish between the query and the get when the guest switches modes.
                throw new PlaneFaultException(PlaneFault.DMABUF_UNAVAILABLE, e.getMessage());
            }
            cached = wrap(fd, plane, layout);
            cache.put(plane.id(), layout, plane.modifier(), cached);
        }
        return cached.retain();
    }

    /** A frame owning {@code fd}; closes it when the buffer cannot hold the plane. */
    private Frame wrap(int fd, GfxPlane plane, PlaneLayout layout) throws PlaneFaultException {
        long size;
        try {
            size = LibC.lseek(fd, 0, LibC.SEEK_END);
        } catch (LastErrorException e) {
            // Not every exporter implements llseek; the plane's own size is the next best word.
            size = Integer.toUnsignedLong(plane.size());
        }
        if (layout.requiredBytes() > size) {
            closeFd(fd);
            throw new PlaneFaultException(PlaneFault.LARGER_THAN_BUFFER, "the plane (" + layout + ") needs "
                    + layout.requiredBytes() + " B and its dma-buf holds " + size + " B");
        }
        return Frame.wrap(new DmaBuf(fd, size, plane.modifier(), layout));
    }

    private void closeFd(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            log.warn(LibC.describe("vfio " + device.name() + ": close of dma-buf fd " + fd, e));
        }
    }

    private Frame regionFrame(GfxPlane plane, PlaneLayout layout) throws PlaneFaultException {
        if (plane.modifier() != DmaBuf.MODIFIER_LINEAR && plane.modifier() != DmaBuf.MODIFIER_INVALID) {
            throw new PlaneFaultException(PlaneFault.TILED_REGION, "the region plane has tiling modifier 0x"
                    + Long.toHexString(plane.modifier()) + "; only linear planes can be read by the CPU");
        }
        if (region == null || regionIndex != plane.id()) {
            closeRegion();
            GfxRegionInfo info = device.regionInfo(plane.id());
            region = device.mapRegion(info);
            regionBuffer = region.buffer();
            regionIndex = plane.id();
            log.debug("vfio {}: mapped display region {} ({} B)", device.name(), regionIndex, region.size());
        }
        if (layout.requiredBytes() > region.size()) {
            throw new PlaneFaultException(PlaneFault.LARGER_THAN_BUFFER, "the plane (" + layout + ") needs "
                    + layout.requiredBytes() + " B and region " + regionIndex + " holds " + region.size() + " B");
        }
        return PooledCopy.copy(pool, layout, regionBuffer, 0, Math.toIntExact(layout.requiredBytes()));
    }

    private void displayOff(long now) {
        emitter.displayOff(device.name(), pool, now, blank -> log.info("vfio {}: the display is off (the primary"
                + " plane is disabled); showing it black at {}", device.name(), blank));
    }

    private void drop(PlaneFaultException e) {
        emitter.skip();
        drops.drop(e.fault(), "vfio {}: frame dropped, bad plane: {}", device.name(), e.getMessage());
    }

    private void closeRegion() {
        if (region != null) {
            region.close();
            region = null;
            regionBuffer = null;
            regionIndex = -1;
        }
    }

    private void closeAll() {
        try {
            cache.close();
            closeRegion();
        } finally {
            if (device != null) {
                device.close();
            }
        }
    }

    private void fail(Throwable e) {
        fail(e, log, "vfio " + settings.target());
    }
}
