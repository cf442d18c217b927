package io.scanout.capture.drm;

import com.sun.jna.LastErrorException;
import io.scanout.capture.drm.internal.DrmAbi;
import io.scanout.capture.internal.Fourcc;
import io.scanout.capture.internal.FrameEmitter;
import io.scanout.capture.internal.OncePerCause;
import io.scanout.capture.internal.PollingThread;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.InvalidLayoutException;
import io.scanout.core.PlaneLayout;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.core.nativeio.LibC;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

/**
 * One subscription to a KMS scanout: a thread, {@code scanout-drm-N}, that opens the card and at
 * each tick with demand does what ffmpeg's kmsgrab does per frame — {@code GETPLANE} for the
 * plane's framebuffer, {@code GETFB2} for its format, modifier, pitches and offsets and GEM
 * handles, {@code PRIME_HANDLE_TO_FD} for a dma-buf, then closes the handles — and emits the
 * dma-buf as a frame (zero copy; its fd is the frame's).
 *
 * <p>Nothing is cached across ticks: framebuffer ids are recycled by the kernel as soon as a
 * compositor frees one, so an id does not name a buffer for long (unlike VFIO's
 * {@code dmabuf_id}). A plane with no framebuffer is a blank screen: one black frame, then
 * nothing until it scans out again. A bad framebuffer is dropped and logged once per cause; a
 * failing ioctl or a framebuffer the process may not read ends the flux.
 */
final class KmsPoller extends PollingThread {
    private static final Logger log = LoggerFactory.getLogger(KmsPoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final KmsSettings settings;
    private final Supplier<KmsDevice> opener;
    private final long periodNanos;
    private final FramePool pool;

    private KmsDevice device;
    private int planeId;
    private final FrameEmitter emitter;
    private final OncePerCause<KmsFault> drops;

    private KmsPoller(KmsSettings settings, Supplier<KmsDevice> opener, long periodNanos, FramePool pool,
                      StreamMeters meters, FluxSink<FrameEvent> sink) {
        super(sink, meters, "scanout-drm-" + THREADS.incrementAndGet());
        this.settings = settings;
        this.opener = opener;
        this.periodNanos = periodNanos;
        this.pool = pool;
        this.planeId = settings.plane();
        this.emitter = new FrameEmitter(sink, meters, log, "drm {}: the scanout changed from {} to {}");
        this.drops = new OncePerCause<>(KmsFault.class, log, meters, "polling goes on");
    }

    static void start(KmsSettings settings, Supplier<KmsDevice> opener, long periodNanos, FramePool pool,
                      StreamMeters meters, FluxSink<FrameEvent> sink) {
        new KmsPoller(settings, opener, periodNanos, pool, meters, sink).startPolling();
    }

    @Override
    public void run() {
        try {
            if (stopped()) {
                return;
            }
            device = opener.get();
            tickEvery(periodNanos);
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(e, log, "drm " + settings.card());
        } finally {
            if (device != null) {
                device.close();
            }
        }
    }

    @Override
    protected void capture(long now) {
        int fbId = 0;
        if (planeId == 0) {
            planeId = pick();
        }
        if (planeId != 0) {
            fbId = device.plane(planeId).fbId();
        }
        if (fbId == 0) {
            if (settings.plane() == 0) {
                planeId = 0;   // another plane may light up: look again at the next tick
            }
            displayOff(now);
            return;
        }
        emitter.displayOn();
        Frame frame;
        try {
            frame = export(device.framebuffer(fbId));
        } catch (KmsFaultException e) {
            emitter.skip();
            drops.drop(e.fault(), "drm {}: frame dropped, bad framebuffer: {}", device.name(), e.getMessage());
            return;
        }
        emitter.emit(device.name(), frame, now);
    }

    private int pick() {
        for (int id : device.planeIds()) {
            KmsPlane plane = device.plane(id);
            if (plane.fbId() != 0 && (settings.crtc() == 0 || plane.crtcId() == settings.crtc())) {
                log.info("drm {}: capturing plane {} on CRTC {}", device.name(), id, plane.crtcId());
                return id;
            }
        }
        return 0;
    }

    /** A dma-buf frame of the framebuffer; every GEM handle it came with is closed, whatever happens. */
    private Frame export(KmsFramebuffer fb) throws KmsFaultException {
        int[] handles = fb.handles();
        try {
            if (handles[0] == 0) {
                throw new DrmException("DRM_IOCTL_MODE_GETFB2 gave no buffer handle for framebuffer "
                        + Integer.toUnsignedString(fb.fbId()) + " on " + device.name() + ": reading the screen needs"
                        + " CAP_SYS_ADMIN (run as root, or setcap cap_sys_admin+ep on the java binary)");
            }
            DrmFormat format = DrmFormat.fromFourcc(fb.pixelFormat()).orElseThrow(() -> new KmsFaultException(
                    KmsFault.UNKNOWN_FORMAT, "unknown DRM fourcc " + Fourcc.describe(fb.pixelFormat())));
            int planes = format.planeCount();
            long[] offsets = new long[planes];
            int[] pitches = new int[planes];
            for (int p = 0; p < planes; p++) {
                if (handles[p] != handles[0]) {
                    throw new KmsFaultException(KmsFault.SPLIT_BUFFER, "plane " + p + " of " + format + " is in another"
                            + " buffer (handle " + handles[p] + ", plane 0 in " + handles[0] + ")");
                }
                offsets[p] = Integer.toUnsignedLong(fb.offsets()[p]);
                pitches[p] = fb.pitches()[p];
            }
            PlaneLayout layout;
            try {
                layout = PlaneLayout.of(format, fb.width(), fb.height(), offsets, pitches);
            } catch (InvalidLayoutException e) {
                throw new KmsFaultException(KmsFault.BAD_LAYOUT, e.getMessage());
            }
            long modifier = (fb.flags() & DrmAbi.DRM_MODE_FB_MODIFIERS) != 0 ? fb.modifier() : DmaBuf.MODIFIER_INVALID;
            int fd = device.primeFd(handles[0]);
            long size;
            try {
                size = LibC.lseek(fd, 0, LibC.SEEK_END);
            } catch (LastErrorException e) {
                closeFd(fd);
                throw new DrmException("size of the dma-buf of framebuffer " + fb.fbId() + " on " + device.name(), e);
            }
            if (layout.requiredBytes() > size) {
                closeFd(fd);
                throw new KmsFaultException(KmsFault.LARGER_THAN_BUFFER, "the framebuffer (" + layout + ") needs "
                        + layout.requiredBytes() + " B and its dma-buf holds " + size + " B");
            }
            return Frame.wrap(new DmaBuf(fd, size, modifier, layout));
        } finally {
            Set<Integer> unique = new LinkedHashSet<>();
            for (int h : handles) {
                if (h != 0) {
                    unique.add(h);
                }
            }
            for (int h : unique) {
                device.closeHandle(h);
            }
        }
    }

    private void closeFd(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            log.warn(LibC.describe("drm " + device.name() + ": close of dma-buf fd " + fd, e));
        }
    }

    private void displayOff(long now) {
        String where = settings.plane() == 0 ? "" : " on plane " + settings.plane();
        emitter.displayOff(device.name(), pool, now, blank ->
                log.info("drm {}: nothing is scanned out{}; showing it black at {}", device.name(), where, blank));
    }
}
