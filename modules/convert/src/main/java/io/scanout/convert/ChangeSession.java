package io.scanout.convert;

import io.scanout.convert.internal.ByteViews;
import io.scanout.convert.internal.ExclusiveUse;
import io.scanout.convert.internal.TileDiff;
import io.scanout.core.Damage;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.StreamMeters;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One subscription to {@link DetectChanges}: the copy of the previous frame and when an event
 * last went on. {@link #onEvent} runs on the delivering thread, one event at a time; the
 * keep-alive timer ({@link #keepAlives()}) on a single-thread scheduler of its own; the two take
 * {@link #lock} in turn, so the copy is never read while it is written. {@link #close()} from
 * whichever thread ends the subscription.
 */
final class ChangeSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetectChanges.class);

    private final FramePool pool;
    private final StreamMeters meters;
    private final int tileSize;
    private final long keepAliveNanos;
    private final ByteViews views = new ByteViews();
    private final ExclusiveUse use;
    /** Taken by the delivering thread and the keep-alive timer in turn; never by close(). */
    private final ReentrantLock lock = new ReentrantLock();
    /** The previous frame's copy (the last frame let through, as it is now), or null when there is none. */
    private TileDiff diff;
    /** The copy is the last frame let through but not fit to diff against (a source-damaged frame came). */
    private boolean stale;
    private boolean emitted;
    private long lastEmittedNanos;
    private long lastSequence = -1;
    /** {@link System#nanoTime()} when a frame last arrived or a keep-alive last went on. */
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile boolean framesEnded;
    private volatile FluxSink<FrameEvent> keepAliveSink;

    ChangeSession(FramePool pool, StreamMeters meters, int tileSize, long keepAliveNanos) {
        this.pool = pool;
        this.meters = meters;
        this.tileSize = tileSize;
        this.keepAliveNanos = keepAliveNanos;
        this.use = new ExclusiveUse("change detection", this::forget);
    }

    void onEvent(FrameEvent event, SynchronousSink<FrameEvent> sink) {
        lock.lock();
        try {
            lastActivityNanos = System.nanoTime();
            onEventLocked(event, sink);
        } finally {
            lock.unlock();
        }
    }

    private void onEventLocked(FrameEvent event, SynchronousSink<FrameEvent> sink) {
        lastSequence = Math.max(lastSequence, event.sequence());
        try {
            use.enter();
        } catch (IllegalStateException e) {
            // Cancelled meanwhile from another thread: nobody wants this frame any more.
            event.release();
            if (use.isClosed()) {
                log.debug("frame {} arrived after the stage was cancelled", event.sequence());
                return;
            }
            throw e;
        }
        FrameEvent out;
        try {
            out = decide(event);
        } catch (RuntimeException | Error e) {
            event.release();
            throw e;
        } finally {
            use.exit();
        }
        if (out == null) {
            return;
        }
        if (use.isClosed()) {
            // Cancelled from another thread during the comparison: nobody downstream wants it.
            out.release();
            return;
        }
        emitted = true;
        lastEmittedNanos = out.captureNanos();
        sink.next(out);
    }

    /** The event to hand on, or null when the frame was released as unchanged. */
    private FrameEvent decide(FrameEvent event) {
        Frame frame = event.frame();
        Damage damage = event.damage();
        if (frame.isDmaBuf()) {
            forget();
            return event;
        }
        boolean fresh = event.isFormatChange() || diff == null || !sameLayout(diff.layout(), frame.layout());
        if (!damage.isWhole()) {
            // The source knows what changed. Without keep-alives the copy is simply dropped; with them
            // it is kept true to the picture (the damaged rows copied) so that a stalled source can be
            // replayed — but it is not diffed against, as before: the next whole frame starts afresh.
            if (keepAliveNanos == 0) {
                forget();
            } else {
                if (fresh) {
                    forget();
                    diff = new TileDiff(frame.layout(), tileSize, pool, views);
                    diff.prime(frame);
                } else {
                    diff.copyRows(frame, damage);
                }
                stale = true;
            }
            return damage.isEmpty() && !event.isFormatChange() ? unchanged(event) : event;
        }
        if (fresh || stale) {
            forget();
            diff = new TileDiff(frame.layout(), tileSize, pool, views);
            diff.prime(frame);
            return event;
        }
        if (diff.compare(frame) == 0) {
            return unchanged(event);
        }
        return event.withDamage(diff.damage());
    }

    private static boolean sameLayout(PlaneLayout a, PlaneLayout b) {
        return a == b || a.equals(b);
    }

    private FrameEvent unchanged(FrameEvent event) {
        if (keepAliveNanos > 0 && emitted && event.captureNanos() - lastEmittedNanos >= keepAliveNanos) {
            log.trace("frame {} unchanged, let through as a keep-alive", event.sequence());
            return event.damage().isEmpty() ? event : event.withDamage(Damage.none());
        }
        event.release();
        meters.frameDropped(DropReason.UNCHANGED);
        return null;
    }

    /** Drops the copy: the next whole-damage frame starts afresh. */
    private void forget() {
        if (diff != null) {
            diff.close();
            diff = null;
        }
        stale = false;
        views.clear();
    }

    /**
     * Keep-alives for a source that went quiet: every quarter interval a timer on a single-thread
     * scheduler of this subscription's own looks whether a frame arrived or a keep-alive went on
     * within the interval, and if neither, emits a fresh pooled copy of the last frame let through
     * (never the kept copy, which the next frame overwrites) with {@link Damage#none()}, the capture
     * time now and the sequence after the last one seen. Nothing goes on while downstream asked for
     * nothing, nor before the first frame, nor while the last frame was a dma-buf (not readable here).
     * Completes once {@link #endKeepAlives()} is called; the scheduler is disposed on complete,
     * error and cancel. Subscribe at most once.
     */
    Flux<FrameEvent> keepAlives() {
        return Flux.create(sink -> {
            Scheduler timer = Schedulers.newSingle("scanout-keep-alive", true);
            long period = Math.max(keepAliveNanos / 4, TimeUnit.MILLISECONDS.toNanos(1));
            Disposable ticks = timer.schedulePeriodically(() -> tick(sink), period, period, TimeUnit.NANOSECONDS);
            sink.onDispose(() -> {
                ticks.dispose();
                timer.dispose();
            });
            keepAliveSink = sink;
            // The frames may have ended before this subscription: the flag is set before the sink is read.
            if (framesEnded) {
                sink.complete();
            }
        });
    }

    /** The frames ended: {@link #keepAlives()} completes too. */
    void endKeepAlives() {
        framesEnded = true;
        FluxSink<FrameEvent> sink = keepAliveSink;
        if (sink != null) {
            sink.complete();
        }
    }

    private void tick(FluxSink<FrameEvent> sink) {
        if (sink.isCancelled() || framesEnded || sink.requestedFromDownstream() == 0) {
            return;
        }
        try {
            FrameEvent keepAlive = replay(System.nanoTime());
            if (keepAlive != null) {
                // After a cancel the sink hands it to the discard hook, which releases it.
                sink.next(keepAlive);
            }
        } catch (RuntimeException | Error e) {
            sink.error(e);
        }
    }

    /** A copy of the last frame let through when nothing happened for the interval, or null. */
    FrameEvent replay(long nowNanos) {
        // A frame being compared right now means the source is not stalled: no need to wait for it.
        if (!lock.tryLock()) {
            return null;
        }
        try {
            if (!emitted || diff == null || use.isClosed() || nowNanos - lastActivityNanos < keepAliveNanos) {
                return null;
            }
            try {
                use.enter();
            } catch (IllegalStateException e) {
                // Only close() can get in: the lock keeps the delivering thread out.
                log.debug("keep-alive skipped: {}", e.getMessage());
                return null;
            }
            Frame copy;
            try {
                copy = diff.copy(pool);
            } finally {
                use.exit();
            }
            if (use.isClosed()) {
                copy.release();
                return null;
            }
            lastSequence++;
            lastEmittedNanos = nowNanos;
            lastActivityNanos = nowNanos;
            log.trace("no frame for {} ms: frame {} repeats the last one as a keep-alive",
                    TimeUnit.NANOSECONDS.toMillis(keepAliveNanos), lastSequence);
            return new FrameEvent(copy, Damage.none(), lastSequence, nowNanos, Optional.empty());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        use.close();
    }
}
