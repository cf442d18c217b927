package io.scanout.transport;

import java.util.function.LongSupplier;

/**
 * A token bucket for one viewer's input events: {@code perSecond} tokens a second, at most
 * {@code burst} saved up. An event takes one token or, when there is none, is over the limit.
 *
 * <p>Time comes from the supplier ({@code System::nanoTime} in the server), so tests step it by
 * hand. Used by one thread at a time (the viewer's event loop); not thread-safe.
 */
final class InputRateLimit {
    /** A mouse reports at most a few hundred moves a second; typing, far fewer keys. */
    static final int DEFAULT_PER_SECOND = 200;
    /** A short flurry (a fast drag, a pasted word) passes whole. */
    static final int DEFAULT_BURST = 50;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long nanosPerToken;
    private final long burstNanos;
    private final LongSupplier nanoTime;
    /**
     * When the bucket would have been empty had every token been taken: it now holds
     * {@code (now - emptyAt) / nanosPerToken} tokens, at most {@code burst}.
     */
    private long emptyAt;

    InputRateLimit(int perSecond, int burst, LongSupplier nanoTime) {
        if (perSecond < 1 || perSecond > NANOS_PER_SECOND) {
            throw new IllegalArgumentException("an input rate is 1..1e9 events a second, not " + perSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("an input burst is at least 1 event, not " + burst);
        }
        this.nanosPerToken = NANOS_PER_SECOND / perSecond;
        this.burstNanos = nanosPerToken * burst;
        this.nanoTime = nanoTime;
        this.emptyAt = nanoTime.getAsLong() - burstNanos; // starts full
    }

    static InputRateLimit defaults() {
        return new InputRateLimit(DEFAULT_PER_SECOND, DEFAULT_BURST, System::nanoTime);
    }

    /** Takes a token if there is one: whether the event is within the limit. */
    boolean tryTake() {
        long now = nanoTime.getAsLong();
        // A bucket idle for long is full, not fuller.
        long start = Math.max(emptyAt, now - burstNanos);
        if (now - start < nanosPerToken) {
            return false;
        }
        emptyAt = start + nanosPerToken;
        return true;
    }
}
