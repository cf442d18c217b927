package io.scanout.transport;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

/**
 * Asks the encoder for keyframes at most once per interval, without losing a request.
 *
 * <p>A request inside the interval is not dropped: one deferred request is scheduled for when the
 * interval has passed, and it is skipped if a keyframe went through the hub after the latest
 * request (that keyframe already served whoever was waiting). So a burst of viewers joining or falling behind
 * costs the encoder one keyframe, and nobody waits a whole GOP for the next natural one.
 *
 * <p>A viewer that joins cannot wait out the interval: it must start within a frame. So
 * {@link #requestNow()} skips the interval and asks at once, unless a request is already on its way
 * (sent less than an interval ago, and no keyframe seen since): the keyframe it brings serves the
 * joiner too.
 *
 * <p>{@link #request()} is called from any thread (a joining viewer's, the hub's); the requester
 * runs on the calling thread or on the timer scheduler, so it must be thread-safe and must not
 * block. Lock-free.
 */
final class KeyframeRequests implements Disposable {
    private static final Logger log = LoggerFactory.getLogger(KeyframeRequests.class);
    private static final long NEVER = Long.MIN_VALUE;

    private final String streamId;
    private final Runnable requester;
    private final long intervalNanos;
    private final Scheduler timer;
    private final LongSupplier clock;
    private final AtomicLong lastRequest = new AtomicLong(NEVER);
    private final AtomicBoolean deferred = new AtomicBoolean();
    private final Disposable.Swap pending = Disposables.swap();
    // Keyframes seen, written by the hub's thread only; and how many had been seen at the latest request,
    // and when the encoder was last asked.
    private volatile long keyframesSeen;
    private volatile long keyframesSeenAtRequest;
    private volatile long keyframesSeenAtFire = -1;

    /**
     * @param clock nanoseconds, monotonic ({@link System#nanoTime()} outside tests)
     */
    KeyframeRequests(String streamId, Runnable requester, long intervalNanos, Scheduler timer, LongSupplier clock) {
        this.streamId = streamId;
        this.requester = requester;
        this.intervalNanos = intervalNanos;
        this.timer = timer;
        this.clock = clock;
    }

    /** A viewer needs a keyframe from now on. */
    void request() {
        if (pending.isDisposed()) {
            return;
        }
        keyframesSeenAtRequest = keyframesSeen;
        long now = clock.getAsLong();
        long last = lastRequest.get();
        if (last == NEVER || now - last >= intervalNanos) {
            // Losing this race means another thread asked at about the same moment: that serves us too.
            if (lastRequest.compareAndSet(last, now)) {
                fire();
            }
            return;
        }
        if (deferred.compareAndSet(false, true)) {
            long delay = last + intervalNanos - now;
            try {
                pending.update(timer.schedule(this::deferredRequest, delay, TimeUnit.NANOSECONDS));
            } catch (RejectedExecutionException e) {
                // Only when the timer is shut down, i.e. the JVM is going: nobody waits for this keyframe.
                deferred.set(false);
                log.debug("stream {}: keyframe request not scheduled: {}", streamId, e.toString());
            }
        }
    }

    /**
     * A viewer joined with no keyframe to start from: ask the encoder now, whatever the interval,
     * unless a request is already on its way. A race between two joiners may ask twice; harmless.
     */
    void requestNow() {
        if (pending.isDisposed()) {
            return;
        }
        long now = clock.getAsLong();
        long last = lastRequest.get();
        boolean underway = last != NEVER && keyframesSeenAtFire == keyframesSeen && now - last < intervalNanos;
        if (underway) {
            return;
        }
        keyframesSeenAtRequest = keyframesSeen;
        lastRequest.set(now);
        fire();
    }

    /** A keyframe went through the hub (hub thread). */
    // One writer (the hub's thread), so the increment needs no atomic.
    void keyframeSeen() {
        keyframesSeen++;
    }

    private void deferredRequest() {
        deferred.set(false);
        if (keyframesSeen != keyframesSeenAtRequest) {
            return;
        }
        lastRequest.set(clock.getAsLong());
        fire();
    }

    private void fire() {
        keyframesSeenAtFire = keyframesSeen;
        // Counted by whoever honours the request (the encoder), so a request is counted once.
        try {
            requester.run();
        } catch (RuntimeException e) {
            // The requester is the encoder's; its failure must not take the hub or a viewer down with it.
            log.warn("stream {}: keyframe request failed: {}", streamId, e.toString(), e);
        }
    }

    @Override
    public void dispose() {
        pending.dispose();
    }

    @Override
    public boolean isDisposed() {
        return pending.isDisposed();
    }
}
