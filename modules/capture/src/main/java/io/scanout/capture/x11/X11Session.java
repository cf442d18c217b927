package io.scanout.capture.x11;

import com.sun.jna.Pointer;
import io.scanout.core.Damage;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

/**
 * One subscription to an X11 source: a thread, {@code scanout-x11-N}, that opens the display,
 * ticks at the frame rate and, when the subscriber has demand and something changed (or the
 * server has no DAMAGE), captures the screen into a pooled frame. Damage is what DAMAGE reported
 * since the last event emitted (whole without it); ticks without demand are counted as dropped.
 * The display is opened and closed on this thread; state is confined to it. When the screen's
 * size changes (RandR), the shared-memory image and damage tracking are made again at the new
 * size and the next frame carries the format change.
 */
final class X11Session implements Runnable {
    /**
     * Held while a display is opened or closed and its extensions (MIT-SHM, DAMAGE) set up or torn
     * down: Xlib keeps those extensions' per-display records in process-wide lists that
     * XInitThreads does not protect, and sessions opening and closing at once crashed the JVM in
     * XShmQueryExtension. Capturing itself runs unlocked, one display per thread.
     */
    private static final Object SETUP = new Object();

    private static final Logger log = LoggerFactory.getLogger(X11Session.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** How often the screen's size is asked for: a resize shows within this, a tenth of a second. */
    private static final long SIZE_CHECK_NANOS = 100_000_000L;

    private final X11Settings settings;
    private final FramePool pool;
    private final StreamMeters meters;
    private final FluxSink<FrameEvent> sink;
    private final long periodNanos;
    private volatile boolean cancelled;
    private volatile Thread thread;
    /** When capture began, and the last tick taken: ticks number the frames across screen size changes. */
    private long start;
    private long lastIndex = -1;
    private long lastSizeCheck;

    X11Session(X11Settings settings, FramePool pool, StreamMeters meters, FluxSink<FrameEvent> sink) {
        this.settings = settings;
        this.pool = pool;
        this.meters = meters;
        this.sink = sink;
        this.periodNanos = 1_000_000_000L / settings.fps();
    }

    void start() {
        sink.onDispose(this::dispose);
        Thread t = new Thread(this, "scanout-x11-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void dispose() {
        cancelled = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        XErrors.install();
        Pointer display;
        synchronized (SETUP) {
            display = Xlib.X11.LIB.XOpenDisplay(settings.display());
        }
        if (display == null) {
            sink.error(new X11Exception("cannot open X display '" + settings.display() + "' (is the server running,"
                    + " and may this user connect: DISPLAY, XAUTHORITY?)"));
            return;
        }
        XErrors.watch(display);
        try {
            capture(display);
        } catch (X11Exception e) {
            if (!cancelled) {
                sink.error(e);
            }
        } catch (RuntimeException | Error e) {
            sink.error(e);
        } finally {
            synchronized (SETUP) {
                if (!XErrors.isDead(display)) {
                    Xlib.X11.LIB.XCloseDisplay(display);
                }
            }
            XErrors.forget(display);
            log.debug("x11 {} stopped", settings.display());
        }
    }

    private void capture(Pointer display) throws X11Exception {
        int screen = settings.screen();
        long root = Xlib.X11.LIB.XRootWindow(display, screen);
        RootSize size = RootSize.of(display, root);
        start = System.nanoTime();
        while (size != null) {
            ScreenImages image;
            DamageTracker damage;
            synchronized (SETUP) {
                image = ScreenImages.open(display, screen, root, size.width(), size.height());
                try {
                    damage = settings.damage() ? DamageTracker.open(display, root, size.width(), size.height()) : null;
                } catch (X11Exception | RuntimeException e) {
                    image.close();
                    throw e;
                }
            }
            try {
                size = loop(display, root, image, damage, size);
            } finally {
                synchronized (SETUP) {
                    if (damage != null) {
                        damage.close();
                    }
                    image.close();
                }
            }
        }
    }

    /**
     * Captures at one screen size until cancelled (null) or the screen's size changes (the new
     * size): the caller then sets up capture again at that size, and the first frame after it
     * carries the format change.
     */
    private RootSize loop(Pointer display, long root, ScreenImages image, DamageTracker damage, RootSize size)
            throws X11Exception {
        VideoFormat format = new VideoFormat(image.format(), size.width(), size.height());
        log.info("x11 {}: {} with {}, damage from {}", settings.display(), format,
                image.isShared() ? "MIT-SHM" : "XGetImage", damage != null ? "DAMAGE" : "nothing (whole frames)");
        Damage pending = Damage.whole();
        boolean first = true;
        while (!cancelled) {
            long now = System.nanoTime();
            long index = (now - start) / periodNanos;
            if (index > lastIndex) {
                for (long missed = lastIndex + 1; missed < index; missed++) {
                    meters.frameDropped(DropReason.BACKPRESSURE);
                }
                lastIndex = index;
                // A RandR resize, which DAMAGE does not report reliably: asked for now and then, not each
                // tick, as the round trip cost a loaded machine more than a grab's copy. A shrink between
                // two checks fails the grab, which checks at once (below).
                if (now - lastSizeCheck >= SIZE_CHECK_NANOS) {
                    lastSizeCheck = now;
                    RootSize current = RootSize.of(display, root);
                    if (!current.equals(size)) {
                        log.info("x11 {}: the screen changed from {} to {}", settings.display(), size, current);
                        return current;
                    }
                }
                // Damage first, image second: a change in between is in the image and reported again next time.
                Damage changed = damage != null ? damage.fetch() : Damage.whole();
                pending = first ? Damage.whole() : pending.union(changed);
                if (sink.requestedFromDownstream() <= 0) {
                    meters.frameDropped(DropReason.BACKPRESSURE);
                } else if (first || !pending.isEmpty()) {
                    Frame frame;
                    try {
                        frame = image.capture(pool, format);
                    } catch (X11Exception e) {
                        // The screen shrank between the size check and the grab (BadMatch): follow it.
                        RootSize after = RootSize.of(display, root);
                        if (!after.equals(size)) {
                            log.info("x11 {}: the screen changed from {} to {} during a capture", settings.display(),
                                    size, after);
                            return after;
                        }
                        throw e;
                    }
                    meters.stageTook(Stage.CAPTURE, System.nanoTime() - now);
                    meters.frameCaptured();
                    FrameEvent event = new FrameEvent(frame, pending, index, now,
                            first ? Optional.of(format) : Optional.empty());
                    first = false;
                    pending = Damage.none();
                    // A cancel from here on discards the event through the discard hook, which releases it.
                    sink.next(event);
                }
            }
            long next = start + (lastIndex + 1) * periodNanos;
            LockSupport.parkNanos(this, Math.max(0, next - System.nanoTime()));
        }
        return null;
    }
}
