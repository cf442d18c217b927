package io.scanout.capture.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the region tests share beyond {@link CaptureTesting}: their wait, counting mappings, comparing pixels. */
final class RegionTesting {
    private RegionTesting() {
    }

    static void await(BooleanSupplier condition, Supplier<String> failure) {
        CaptureTesting.await(Duration.ofSeconds(15), condition, failure);
    }

    /** Lines of {@code /proc/self/maps} mapping this file. */
    static long mappingsOf(Path file) {
        try {
            String name = file.toRealPath().toString();
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(" " + name)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean pollerThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().matches("scanout-region-\\d+"));
    }

    static void awaitPollersGone() {
        await(() -> !pollerThreadsAlive(), () -> "a scanout-region poller thread is still running");
    }

    /** Asserts the frame holds exactly the pattern's frame {@code index}, every pixel byte of every row. */
    static void assertPattern(Frame actual, long index, FramePool pool) {
        PlaneLayout layout = PlaneLayout.packed(actual.format(), actual.width(), actual.height());
        Frame expected = pool.acquire(layout);
        try {
            new SyntheticPattern(actual.width(), actual.height()).render(index, expected);
            assertSameRows(expected, actual);
        } finally {
            expected.release();
        }
    }

    static void assertSameRows(Frame expected, Frame actual) {
        assertThat(actual.videoFormat()).isEqualTo(expected.videoFormat());
        int row = (int) expected.layout().rowBytes(0);
        ByteBuffer e = expected.buffer();
        ByteBuffer a = actual.buffer();
        for (int y = 0; y < expected.height(); y++) {
            ByteBuffer er = e.slice((int) expected.layout().offset(0) + y * expected.layout().stride(0), row);
            ByteBuffer ar = a.slice((int) actual.layout().offset(0) + y * actual.layout().stride(0), row);
            int mismatch = er.mismatch(ar);
            if (mismatch >= 0) {
                throw new AssertionError("row " + y + " of " + actual + " differs at byte " + mismatch);
            }
        }
    }
}
