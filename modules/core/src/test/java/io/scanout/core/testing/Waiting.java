package io.scanout.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling waits with a deadline, for conditions another thread makes true: what every module's
 * tests wait with (shared through core's test-jar). They block the calling test thread.
 */
public final class Waiting {
    private Waiting() {
    }

    /** Waits until {@code condition} holds, failing with {@code failure} after {@code timeout}. */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            sleepMillis(2);
        }
    }

    /** Sleeps; an interrupt fails the test (and keeps the thread's interrupt flag). */
    public static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
