package io.scanout.capture.vfio;

import static io.scanout.capture.vfio.VfioTesting.await;
import static io.scanout.capture.vfio.VfioTesting.awaitPollersGone;
import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** The cursor plane comes apart from the frames: position, hotspot and image, each change once. */
class VfioCursorTest {
    private static byte[] expectedPixels(int width, int height, int seed) {
        byte[] p = new byte[width * 4 * height];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (seed + i);
        }
        return p;
    }

    @Test
    void movesImagesHotspotsAndHidingAreEventsOfTheirOwn() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, new VideoFormat(DrmFormat.XR24, 320, 180));
        List<CursorEvent> seen = new CopyOnWriteArrayList<>();
        try (FramePool pool = new FramePool()) {
            VfioSource source = VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, 240, null), () -> device, pool,
                    StreamMeters.noop()).withPeriodNanos(1_000_000);
            Disposable cursor = source.cursor().subscribe(seen::add);
            Disposable frames = source.frames().subscribe(FrameEvent::release);
            try {
                await(() -> seen.size() == 1, () -> "the hidden cursor first: " + seen);
                assertThat(seen.get(0).visible()).isFalse();

                device.showCursor(32, 24, 3, 4, 7);
                device.moveCursor(100, 50);
                await(() -> seen.size() >= 2 && seen.get(seen.size() - 1).x() == 100, () -> "shown and moved: " + seen);
                CursorEvent shown = seen.get(seen.size() - 1);
                assertThat(shown.visible()).isTrue();
                CursorShape shape = shown.shape().orElseThrow();
                assertThat(shape.format()).isEqualTo(DrmFormat.AR24);
                assertThat(shape.width()).isEqualTo(32);
                assertThat(shape.height()).isEqualTo(24);
                assertThat(shape.hotX()).isEqualTo(3);
                assertThat(shape.hotY()).isEqualTo(4);
                assertThat(shape.pixels()).isEqualTo(expectedPixels(32, 24, 7));
                int gets = device.dmaBufGets.get();

                int before = seen.size();
                CaptureTesting.sleepMillis(50);   // about 50 ticks of an unmoving cursor
                assertThat(seen).hasSize(before);

                device.moveCursor(101, 52);
                await(() -> seen.size() == before + 1, () -> "one move, one event: " + seen);
                CursorEvent moved = seen.get(before);
                assertThat(moved.shapeChanged()).isFalse();
                assertThat(moved.x()).isEqualTo(101);
                assertThat(moved.y()).isEqualTo(52);
                assertThat(moved.shape()).contains(shape);

                device.setCursorHotspot(0, 0);
                await(() -> seen.size() == before + 2, () -> "a new hotspot: " + seen);
                assertThat(seen.get(before + 1).shapeChanged()).isTrue();
                assertThat(seen.get(before + 1).shape().orElseThrow().hotX()).isZero();
                assertThat(device.dmaBufGets.get()).as("the image is not read again for a hotspot").isEqualTo(gets);

                device.showCursor(16, 16, 1, 1, 99);
                await(() -> seen.size() == before + 3, () -> "a new image: " + seen);
                assertThat(seen.get(before + 2).shape().orElseThrow().pixels()).isEqualTo(expectedPixels(16, 16, 99));
                assertThat(device.dmaBufGets.get()).isEqualTo(gets + 1);

                device.hideCursor();
                await(() -> seen.size() == before + 4, () -> "hidden: " + seen);
                assertThat(seen.get(before + 3).visible()).isFalse();
                // Each cursor image's fd was closed as soon as it was read: what remains open of the two
                // images is the device's own memfd of each.
                await(() -> CaptureTesting.fdTargets().stream().filter(t -> t.contains("memfd:emulated-cursor")).count() == 2,
                        () -> "cursor fds left open: " + CaptureTesting.fdTargets());
                // No count of every fd of the process here: the JVM opens some of its own at any time
                // (JNA's closure trampoline file, /proc listings), so the cursor memfds above are the measure.

                // A late viewer gets the latest state at once.
                assertThat(source.cursor().blockFirst().visible()).isFalse();
            } finally {
                frames.dispose();
                cursor.dispose();
                awaitPollersGone();
            }
        }
    }
}
