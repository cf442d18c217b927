package io.scanout.server;

/**
 * Frames per second over the last whole second, for {@code /streams}. Thread-safe; cheap enough
 * to call per frame.
 */
final class FrameRate {
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private long windowStart = System.nanoTime();
    private long windowCount;
    private double lastRate;

    synchronized void tick() {
        roll(System.nanoTime());
        windowCount++;
    }

    synchronized double perSecond() {
        roll(System.nanoTime());
        return lastRate;
    }

    private void roll(long now) {
        long elapsed = now - windowStart;
        if (elapsed >= WINDOW_NANOS) {
            // A window with no frames at all (or several missed windows) reads as what it was: idle.
            lastRate = elapsed >= 2 * WINDOW_NANOS ? 0 : windowCount * 1e9 / elapsed;
            windowStart = now;
            windowCount = 0;
        }
    }
}
