package io.scanout.capture.synthetic;

import io.scanout.core.Damage;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.FluxSink;

/**
 * One subscription to a synthetic source: a thread ticking at the frame rate, rendering a frame
 * when the subscriber has asked for one and skipping the tick when it has not.
 *
 * <p>The frame index is the number of frame periods since the subscription started, so the
 * sequence follows the clock as a real display's does: a tick that comes late (the subscriber
 * ran long on this thread, the machine was busy) skips the indices it missed. Every skipped index
 * is counted as dropped ({@link DropReason#BACKPRESSURE}); the next event's damage is exact
 * relative to the last one emitted. All state is confined to the ticking thread.
 */
final class SyntheticTicker implements Runnable, Disposable {
    private static final Logger log = LoggerFactory.getLogger(SyntheticTicker.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final SyntheticSettings settings;
    private final SyntheticPattern pattern;
    private final FramePool pool;
    private final StreamMeters meters;
    private final FluxSink<FrameEvent> sink;
    private final VideoFormat videoFormat;
    private final long periodNanos;
    private final ScheduledThreadPoolExecutor executor;
    private long startNanos;
    private long lastIndex = -1;
    private long lastEmitted = -1;

    private SyntheticTicker(SyntheticSettings settings, SyntheticPattern pattern, FramePool pool, StreamMeters meters,
                            FluxSink<FrameEvent> sink) {
        this.settings = settings;
        this.pattern = pattern;
        this.pool = pool;
        this.meters = meters;
        this.sink = sink;
        this.videoFormat = settings.videoFormat();
        this.periodNanos = settings.periodNanos();
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "scanout-synthetic-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Starts ticking for a new subscriber; the sink's cancel, complete or error stops the thread. */
    static void start(SyntheticSettings settings, SyntheticPattern pattern, FramePool pool, StreamMeters meters,
                      FluxSink<FrameEvent> sink) {
        SyntheticTicker ticker = new SyntheticTicker(settings, pattern, pool, meters, sink);
        sink.onDispose(ticker);
        ticker.startNanos = System.nanoTime();
        try {
            ticker.executor.scheduleAtFixedRate(ticker, 0, ticker.periodNanos, TimeUnit.NANOSECONDS);
            log.debug("synthetic {} started on its thread", settings.toUri());
        } catch (RejectedExecutionException e) {
            // The subscriber cancelled before the first tick was scheduled: nothing to run.
            log.debug("synthetic {} cancelled before it started ({})", settings.toUri(), e.toString());
        }
    }

    @Override
    public void run() {
        if (sink.isCancelled()) {
            return;
        }
        try {
            tick();
        } catch (RuntimeException | OutOfMemoryError e) {
            // A periodic task that throws is silently never run again: say why through the flux.
            sink.error(e);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        long index = (now - startNanos) / periodNanos;
        if (index <= lastIndex) {
            // A late tick's queued successor runs at once: this index is already done.
            return;
        }
        for (long missed = lastIndex + 1; missed < index; missed++) {
            meters.frameDropped(DropReason.BACKPRESSURE);
        }
        lastIndex = index;
        if (sink.requestedFromDownstream() <= 0) {
            meters.frameDropped(DropReason.BACKPRESSURE);
            return;
        }
        Frame frame = pool.acquire(videoFormat);
        try {
            pattern.render(index, frame);
        } catch (RuntimeException | OutOfMemoryError e) {
            frame.release();
            throw e;
        }
        meters.stageTook(Stage.CAPTURE, System.nanoTime() - now);
        meters.frameCaptured();
        Damage damage = lastEmitted < 0 ? Damage.whole() : pattern.damage(lastEmitted, index);
        Optional<VideoFormat> formatChange = lastEmitted < 0 ? Optional.of(videoFormat) : Optional.empty();
        lastEmitted = index;
        // A cancel from here on discards the event through the discard hook, which releases it.
        sink.next(new FrameEvent(frame, damage, index, now, formatChange));
    }

    /** Stops the ticks; a tick already running finishes (its frame goes out or is released). */
    @Override
    public void dispose() {
        executor.shutdown();
        log.debug("synthetic {} stopped", settings.toUri());
    }

    @Override
    public boolean isDisposed() {
        return executor.isShutdown();
    }
}
