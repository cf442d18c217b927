package io.scanout.capture.vfio;

import static io.scanout.capture.testing.CaptureTesting.fdTargets;
import static io.scanout.capture.testing.CaptureTesting.openFds;
import static io.scanout.capture.testing.CaptureTesting.sleepMillis;
import static io.scanout.capture.vfio.VfioTesting.await;
import static io.scanout.capture.vfio.VfioTesting.awaitPollersGone;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** Every dma-buf fd and every device is closed exactly once, whatever the order of release and cancel. */
class VfioFdLifetimeTest {
    private static final int FRAMES = 10_000;

    @Test
    void tenThousandFramesThroughModeChangesLeaveNoFdBehind() throws Exception {
        // One short run first, so the classes, libraries and jars it loads are open before counting.
        try (FramePool warm = new FramePool()) {
            EmulatedMbochs w = new EmulatedMbochs(PlaneKind.DMABUF, new VideoFormat(DrmFormat.XR24, 64, 64));
            VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, 240, null), () -> w, warm, StreamMeters.noop())
                    .withPeriodNanos(0).frames().take(3).doOnNext(FrameEvent::release).blockLast();
            awaitPollersGone();
        }
        long fdsBefore = openFds();
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, new VideoFormat(DrmFormat.XR24, 64, 64));
        AtomicInteger seen = new AtomicInteger();
        AtomicReference<Throwable> problem = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        // A stage downstream that holds the last few frames, as an encoder does, so dma-bufs outlive
        // their cache entries and the cache outlives some frames.
        Deque<FrameEvent> held = new ArrayDeque<>();

        try (FramePool pool = new FramePool(); CaptureTesting.LogCapture dmaBufLog = new CaptureTesting.LogCapture(DmaBuf.class)) {
            VfioSource source = VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, 240, null), () -> device, pool,
                    StreamMeters.noop()).withPeriodNanos(0);
            Disposable running = source.frames().subscribe(e -> {
                try {
                    int n = seen.incrementAndGet();
                    assertThat(e.frame().isDmaBuf()).isTrue();
                    assertThat(e.frame().dmaBuf().isClosed()).isFalse();
                    held.addLast(e);
                    if (held.size() > 3) {
                        held.removeFirst().release();
                    }
                    if (n % 40 == 0) {
                        // Eight modes in turn: more than the cache keeps, so buffers are evicted and fetched again.
                        int mode = n / 40 % 8;
                        device.setMode(64 + 16 * mode, 48);
                    }
                    if (n == FRAMES) {
                        done.countDown();
                    }
                } catch (Throwable t) {
                    problem.compareAndSet(null, t);
                    done.countDown();
                }
            }, t -> {
                problem.compareAndSet(null, t);
                done.countDown();
            });
            assertThat(done.await(120, TimeUnit.SECONDS)).as("10,000 frames within 2 minutes").isTrue();
            running.dispose();
            awaitPollersGone();
            assertThat(problem.get()).isNull();
            // The subscriber's last frames still hold their fds after the source has closed everything else.
            assertThat(held).isNotEmpty().allMatch(e -> !e.frame().dmaBuf().isClosed());
            held.forEach(FrameEvent::release);
            held.clear();

            assertThat(seen.get()).isGreaterThanOrEqualTo(FRAMES);
            assertThat(device.dmaBufGets.get()).as("buffers fetched again after eviction").isGreaterThan(8);
            assertThat(device.isClosed()).isTrue();
            await(() -> openFds() <= fdsBefore, () -> "fds: " + openFds() + " now, " + fdsBefore + " before: "
                    + fdTargets());
            // A second close of any fd would have been EBADF, logged by DmaBuf.close.
            assertThat(dmaBufLog.messages(Level.WARN)).isEmpty();
            await(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
        }
    }

    @Test
    void cancelAtAnyMomentClosesTheDeviceOnceAndLeaksNothing() {
        List<EmulatedMbochs> opened = new CopyOnWriteArrayList<>();
        try (FramePool pool = new FramePool()) {
            VfioSource source = VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, 240, null), () -> {
                EmulatedMbochs d = new EmulatedMbochs(ThreadLocalRandom.current().nextBoolean()
                        ? PlaneKind.DMABUF : PlaneKind.REGION, new VideoFormat(DrmFormat.XR24, 128, 96));
                opened.add(d);
                return d;
            }, pool, StreamMeters.noop()).withPeriodNanos(200_000);
            source.frames().take(2).doOnNext(FrameEvent::release).blockLast();
            awaitPollersGone();
            long fdsBefore = openFds();

            for (int i = 0; i < 100; i++) {
                Disposable running = source.frames().subscribe(FrameEvent::release);
                sleepMillis(ThreadLocalRandom.current().nextInt(0, 8));
                running.dispose();
            }

            awaitPollersGone();
            // A cancel before the poller's first step opens nothing; whatever was opened is closed once.
            assertThat(opened).hasSizeBetween(2, 101).allMatch(d -> d.closes.get() == 1);
            await(() -> openFds() <= fdsBefore, () -> "fds: " + openFds() + " now, " + fdsBefore + " before: "
                    + fdTargets());
            await(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
        }
    }
}
