package io.scanout.bench.fanout;

import java.time.Instant;

/**
 * The load client's wall clock in UNIX epoch microseconds, read through {@link System#nanoTime()}
 * from one anchor taken when the class loads: the same construction as the server's clock, so the
 * two differ by a constant that PING/PONG measures ({@link ClockOffset}).
 */
final class ClientClock {
    private static final long ANCHOR_EPOCH_MICROS;
    private static final long ANCHOR_NANOS;

    static {
        Instant now = Instant.now();
        ANCHOR_NANOS = System.nanoTime();
        ANCHOR_EPOCH_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private ClientClock() {
    }

    static long nowMicros() {
        return ANCHOR_EPOCH_MICROS + (System.nanoTime() - ANCHOR_NANOS) / 1_000;
    }
}
