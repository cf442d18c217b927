package io.scanout.capture.rfb;

import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.FramePool;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling waits with a deadline, for conditions another thread makes true. */
final class Await {
    private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(15);

    private Await() {
    }

    static void until(BooleanSupplier condition, Supplier<String> failure) {
        until(condition, DEFAULT_LIMIT, failure);
    }

    static void until(BooleanSupplier condition, Duration limit, Supplier<String> failure) {
        CaptureTesting.await(limit, condition, failure);
    }

    static void noOutstandingFrames(FramePool pool) {
        until(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
    }

    static void threadsGone(String prefix) {
        CaptureTesting.awaitThreadsGone(prefix, DEFAULT_LIMIT);
    }

    /**
     * The check after each test of an RFB source: waits until every frame is back in {@code pool}
     * and every {@code scanout-rfb-} thread has ended, then closes the pool.
     */
    static void noLeaksThenClose(FramePool pool) {
        CaptureTesting.noLeaksThenClose(pool, "scanout-rfb-", DEFAULT_LIMIT);
    }

    static void sleep(long millis) {
        CaptureTesting.sleepMillis(millis);
    }
}
