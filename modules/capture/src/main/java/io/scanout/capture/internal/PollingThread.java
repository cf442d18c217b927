package io.scanout.capture.internal;

import io.scanout.core.FrameEvent;
import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.StreamMeters;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import reactor.core.Disposable;
import reactor.core.publisher.FluxSink;

/**
 * A source's polling thread for one subscriber (region, VFIO, KMS): a daemon thread that runs
 * {@link #run()} and stops when disposed (the sink's cancel, complete or error) — disposing only
 * flags and wakes it, it never blocks; the thread closes what it opened on its way out.
 *
 * <p>The pacing is shared ({@link #tickEvery}); what a tick does is the source's own
 * ({@link #everyTick}, {@link #capture}).
 */
public abstract class PollingThread implements Runnable, Disposable {
    /** Where the frames go; written by the polling thread only. */
    protected final FluxSink<FrameEvent> sink;
    /** The stream's meters; ticks without demand are counted here. */
    protected final StreamMeters meters;
    private final Thread thread;
    private volatile boolean disposed;

    protected PollingThread(FluxSink<FrameEvent> sink, StreamMeters meters, String threadName) {
        this.sink = sink;
        this.meters = meters;
        this.thread = new Thread(this, threadName);
        thread.setDaemon(true);
    }

    /** Ties the thread to the sink's end and starts it. */
    protected final void startPolling() {
        sink.onDispose(this);
        thread.start();
    }

    /** Whether to stop: disposed, or the subscriber went away. */
    protected final boolean stopped() {
        return disposed || sink.isCancelled();
    }

    /**
     * Ticks every {@code periodNanos} on this thread until {@link #stopped()}: at each tick
     * {@link #everyTick}, then {@link #capture} when the subscriber wants a frame. A tick nobody
     * asked for counts as dropped ({@link DropReason#BACKPRESSURE}) and takes nothing, so the next
     * frame is the newest. Blocks; returns when stopped.
     */
    protected final void tickEvery(long periodNanos) {
        long next = System.nanoTime();
        while (true) {
            sleepUntil(next);
            if (stopped()) {
                return;
            }
            long now = System.nanoTime();
            // Late (a slow subscriber on this thread): tick at once, then keep the pace from there.
            next = Math.max(next + periodNanos, now);
            everyTick(now);
            if (sink.requestedFromDownstream() > 0) {
                capture(now);
            } else {
                meters.frameDropped(DropReason.BACKPRESSURE);
            }
        }
    }

    /** What the source does at every tick, wanted or not; nothing unless overridden. */
    protected void everyTick(long now) {
    }

    /** Takes one frame at a tick the subscriber wants one; {@code now} is the tick's {@link System#nanoTime()}. */
    protected abstract void capture(long now);

    /** Parks until {@code deadline} ({@link System#nanoTime()}) or until stopped; {@link #dispose()} wakes it. */
    private void sleepUntil(long deadline) {
        long remaining;
        while (!stopped() && (remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, remaining);
        }
    }

    /**
     * Ends the flux with {@code e} — unless the subscriber already left: nobody is there to see
     * it, so it is only logged at DEBUG, as {@code "<source>: failed after cancel: <e>"}.
     */
    protected final void fail(Throwable e, Logger log, String source) {
        if (stopped()) {
            log.debug("{}: failed after cancel: {}", source, e.toString());
        } else {
            sink.error(e);
        }
    }

    @Override
    public final void dispose() {
        disposed = true;
        LockSupport.unpark(thread);
    }

    @Override
    public final boolean isDisposed() {
        return disposed;
    }
}
