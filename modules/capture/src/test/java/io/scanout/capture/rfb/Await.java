package io.scanout.capture.rfb;

import io.scanout.core.FramePool;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling waits with a deadline, for conditions another thread makes true. */
final class Await {
    private Await() {
    }

    static void until(BooleanSupplier condition, Supplier<String> failure) {
        until(condition, Duration.ofSeconds(15), failure);
    }

    static void until(BooleanSupplier condition, Duration limit, Supplier<String> failure) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            sleep(5);
        }
    }

    static void noOutstandingFrames(FramePool pool) {
        until(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
    }

    static void threadsGone(String prefix) {
        until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith(prefix) && t.isAlive()),
                () -> "a " + prefix + " thread is still running");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
