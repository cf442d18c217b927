package io.scanout.encode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.FramePool;
import io.scanout.encode.internal.FfmpegEncoder;
import java.time.Duration;

/**
 * The leak check after an encoder test: every frame taken from the test's pool was released and
 * FFmpeg holds none. An encoder's thread may still be finishing when the test's flux completes, so
 * this waits for both (up to {@link #PATIENCE}) before asserting; a frame that is never released
 * fails it once the wait is over.
 */
public final class FrameLeaks {
    /** How long the encoder's thread gets to hand its last frames back. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private FrameLeaks() {
    }

    /** Asserts, after waiting for the encoder's thread, that no frame is held; then closes {@code pool}. */
    public static void assertNoneHeldThenClose(FramePool pool) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while ((pool.stats().outstanding() != 0 || FfmpegEncoder.framesHeldByFfmpeg() != 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        FramePool.Stats stats = pool.stats();
        assertThat(stats.released()).as("frames released of %d acquired", stats.acquired())
                .isEqualTo(stats.acquired());
        assertThat(FfmpegEncoder.framesHeldByFfmpeg()).as("frames FFmpeg holds").isZero();
        pool.close();
    }
}
