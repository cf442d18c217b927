package io.scanout.capture.vfio;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the VFIO tests share beyond {@link CaptureTesting}: their wait, comparing pixels. */
final class VfioTesting {
    private VfioTesting() {
    }

    static void await(BooleanSupplier condition, Supplier<String> failure) {
        CaptureTesting.await(Duration.ofSeconds(20), condition, failure);
    }

    static void awaitPollersGone() {
        await(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.isAlive() && t.getName().startsWith("scanout-vfio-")),
                () -> "a scanout-vfio thread is still running");
    }

    /** Asserts a CPU frame holds exactly the pattern's frame {@code index}, row by row. */
    static void assertPattern(Frame actual, long index, FramePool pool) {
        Frame expected = pool.acquire(PlaneLayout.packed(actual.format(), actual.width(), actual.height()));
        try {
            new SyntheticPattern(actual.width(), actual.height()).render(index, expected);
            int row = (int) expected.layout().rowBytes(0);
            ByteBuffer e = expected.buffer();
            ByteBuffer a = actual.buffer();
            for (int y = 0; y < actual.height(); y++) {
                int mismatch = e.slice(y * expected.layout().stride(0), row)
                        .mismatch(a.slice((int) actual.layout().offset(0) + y * actual.layout().stride(0), row));
                if (mismatch >= 0) {
                    throw new AssertionError("row " + y + " of " + actual + " differs at byte " + mismatch);
                }
            }
        } finally {
            expected.release();
        }
    }
}
