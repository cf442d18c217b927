package io.scanout.transport;

import java.time.Instant;

/**
 * The server's wall clock in UNIX epoch microseconds, read through {@link System#nanoTime()} from
 * one anchor pair taken at start. Capture times ({@code nanoTime}) convert to epoch with it, and
 * the send and pong times use it too, so every time a viewer sees comes from the same clock
 * (an NTP step of the system clock later on does not make them jump apart). Thread-safe.
 */
final class EpochClock {
    private final long anchorEpochMicros;
    private final long anchorNanos;

    EpochClock(long anchorEpochMicros, long anchorNanos) {
        this.anchorEpochMicros = anchorEpochMicros;
        this.anchorNanos = anchorNanos;
    }

    /** Anchored now. {@link Instant#now()} rather than {@code currentTimeMillis()}: it has microseconds. */
    static EpochClock start() {
        Instant now = Instant.now();
        long nanos = System.nanoTime();
        return new EpochClock(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000, nanos);
    }

    /** The epoch time, in µs, of a {@link System#nanoTime()} reading. */
    long epochMicros(long nanoTime) {
        return anchorEpochMicros + Math.floorDiv(nanoTime - anchorNanos, 1_000L);
    }

    long nowMicros() {
        return epochMicros(System.nanoTime());
    }
}
