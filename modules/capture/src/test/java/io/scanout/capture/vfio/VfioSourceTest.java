package io.scanout.capture.vfio;

import static io.scanout.capture.vfio.VfioTesting.assertPattern;
import static io.scanout.capture.vfio.VfioTesting.await;
import static io.scanout.capture.vfio.VfioTesting.awaitPollersGone;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The VFIO capture logic against a device that answers as the kernel's mbochs and mdpy samples do. */
class VfioSourceTest {
    static final String DEVICE = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    private static final Duration VERIFY = Duration.ofSeconds(30);
    private static final VideoFormat A = new VideoFormat(DrmFormat.XR24, 320, 180);
    private static final VideoFormat B = new VideoFormat(DrmFormat.XR24, 640, 480);

    private final FramePool pool = new FramePool();
    private final FramePool expectedPool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");

    @AfterEach
    void tearDown() {
        awaitPollersGone();
        await(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
        pool.close();
        expectedPool.close();
    }

    private VfioSource source(EmulatedMbochs device, PlaneKind plane) {
        return VfioSource.open(new VfioSettings(DEVICE, 240, plane), () -> device, pool, meters);
    }

    private double errors() {
        return registry.get("scanout.frames.dropped").tag("reason", "error").counter().count();
    }

    /** A CPU copy of a dma-buf event's frame, checked against the pattern, then released. */
    private void assertDmaBufPattern(FrameEvent e, long index) {
        assertThat(e.frame().isDmaBuf()).isTrue();
        Frame cpu = DmaBufReader.copy(e.frame(), pool);
        try {
            assertPattern(cpu, index, expectedPool);
        } finally {
            cpu.release();
        }
    }

    @Test
    void dmaBufPlanesArriveZeroCopyAndAnUnchangedPlaneCostsOneIoctl() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, A);
        device.draw(5);
        List<Integer> fds = new ArrayList<>();

        StepVerifier.create(source(device, null).frames().take(10))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(A);
                    assertThat(e.damage().isWhole()).isTrue();
                    assertThat(e.frame().dmaBuf().format()).isEqualTo(DrmFormat.XR24);
                    assertThat(e.frame().dmaBuf().modifier()).isZero();
                    assertThat(e.frame().layout().stride(0)).isEqualTo(1280);
                    assertThat(e.frame().dmaBuf().size()).isEqualTo(233_472);   // 230400 B rounded up to pages
                    fds.add(e.frame().dmaBuf().fd());
                    assertDmaBufPattern(e, 5);
                    e.release();
                })
                .thenConsumeWhile(e -> {
                    assertThat(e.formatChange()).isEmpty();
                    fds.add(e.frame().dmaBuf().fd());
                    e.release();
                    return true;
                })
                .verifyComplete();

        awaitPollersGone();
        assertThat(fds).hasSize(10).containsOnly(fds.get(0));
        assertThat(device.dmaBufGets.get()).isEqualTo(1);
        assertThat(device.queries.get()).isGreaterThanOrEqualTo(10);
        assertThat(device.isClosed()).isTrue();
        assertThat(device.closes.get()).isEqualTo(1);
        assertThat(registry.get("scanout.frames.captured").counter().count()).isEqualTo(10);
    }

    @Test
    void aModeChangeIsANewDmabufIdAndAFormatChange() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, A);
        device.draw(5);

        StepVerifier.create(source(device, PlaneKind.DMABUF).frames())
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(A);
                    e.release();
                })
                .then(() -> {
                    device.setMode(640, 480);
                    device.draw(8);
                })
                .thenConsumeWhile(e -> e.videoFormat().equals(A) && e.formatChange().isEmpty(), FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(B);
                    assertDmaBufPattern(e, 8);
                    e.release();
                })
                .then(() -> device.setMode(320, 180))
                .thenConsumeWhile(e -> e.videoFormat().equals(B) && e.formatChange().isEmpty(), FrameEvent::release)
                .assertNext(e -> {
                    // Back to the first mode: mbochs finds its buffer (and id) again, and the cache still has it.
                    assertThat(e.formatChange()).contains(A);
                    assertDmaBufPattern(e, 5);
                    e.release();
                })
                .thenCancel()
                .verify(VERIFY);

        awaitPollersGone();
        assertThat(device.dmaBufGets.get()).isEqualTo(2);
    }

    @Test
    void theFiveMostRecentDmabufsAreKeptAsQemuDoes() throws Exception {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, null);
        BlockingQueue<FrameEvent> events = new LinkedBlockingQueue<>();
        Disposable running = source(device, null).withPeriodNanos(1_000_000).frames().subscribe(events::add);
        try {
            int[] gets = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 9, 10, 10};
            int[] modes = {1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 1, 2, 7, 3};
            for (int i = 0; i < modes.length; i++) {
                int width = 96 + 16 * modes[i];
                device.setMode(width, 64);
                awaitFrameOf(events, new VideoFormat(DrmFormat.XR24, width, 64));
                if (i >= 6) {
                    assertThat(device.dmaBufGets.get()).as("GET_GFX_DMABUF calls after mode M%d (step %d)", modes[i], i)
                            .isEqualTo(gets[i]);
                }
            }
        } finally {
            running.dispose();
            awaitPollersGone();
            events.forEach(FrameEvent::release);
        }
    }

    private static void awaitFrameOf(BlockingQueue<FrameEvent> events, VideoFormat format) throws InterruptedException {
        while (true) {
            FrameEvent e = events.poll(15, TimeUnit.SECONDS);
            assertThat(e).as("a frame of %s within 15 s", format).isNotNull();
            boolean match = e.videoFormat().equals(format);
            e.release();
            if (match) {
                return;
            }
        }
    }

    @Test
    void aDisabledPlaneIsABlankScreenNotAnError() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, A);
        device.draw(5);

        StepVerifier.create(source(device, null).frames())
                .assertNext(FrameEvent::release)
                .then(device::disable)
                .thenConsumeWhile(e -> e.frame().isDmaBuf(), FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.formatChange()).isEmpty();   // the same size, shown black
                    assertThat(e.videoFormat()).isEqualTo(A);
                    assertAllZero(e.frame());
                    e.release();
                })
                // While the display is off, nothing more comes: not frames, not an error.
                .expectNoEvent(Duration.ofMillis(200))
                .then(() -> device.setMode(320, 180))
                .assertNext(e -> {
                    assertThat(e.formatChange()).isEmpty();
                    assertDmaBufPattern(e, 5);
                    e.release();
                })
                .thenCancel()
                .verify(VERIFY);
        assertThat(errors()).isZero();
    }

    @Test
    void aDisplayThatWasNeverOnIsBlackAtVgaSize() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, null);
        StepVerifier.create(source(device, null).frames())
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 640, 480));
                    assertAllZero(e.frame());
                    e.release();
                })
                .expectNoEvent(Duration.ofMillis(100))
                .then(() -> {
                    device.setMode(320, 180);
                    device.draw(2);
                })
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(A);
                    assertDmaBufPattern(e, 2);
                    e.release();
                })
                .thenCancel()
                .verify(VERIFY);
    }

    private static void assertAllZero(Frame frame) {
        assertThat(frame.isDmaBuf()).isFalse();
        ByteBuffer b = frame.buffer();
        ByteBuffer zeros = ByteBuffer.allocate(b.capacity());
        assertThat(b.mismatch(zeros)).isEqualTo(-1);
    }

    @Test
    void regionPlanesAreMappedOnceAndCopied() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.REGION, A);
        device.draw(3);

        StepVerifier.create(source(device, null).frames())
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(A);
                    assertThat(e.frame().isDmaBuf()).isFalse();
                    assertPattern(e.frame(), 3, expectedPool);
                    e.release();
                })
                .assertNext(e -> {
                    assertThat(e.formatChange()).isEmpty();
                    assertPattern(e.frame(), 3, expectedPool);
                    e.release();
                })
                .then(() -> {
                    device.setMode(640, 480);
                    device.draw(4);
                })
                .thenConsumeWhile(e -> e.videoFormat().equals(A), FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(B);
                    assertPattern(e.frame(), 4, expectedPool);
                    e.release();
                })
                .thenCancel()
                .verify(VERIFY);

        awaitPollersGone();
        assertThat(device.regionInfos.get()).isEqualTo(1);
        assertThat(device.dmaBufGets.get()).isZero();
    }

    @Test
    void aDeviceWithoutTheAskedPlaneKindOrAnyDisplayIsAnError() {
        StepVerifier.create(source(new EmulatedMbochs(PlaneKind.DMABUF, A), PlaneKind.REGION).frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(VfioException.class).hasMessage(
                        "device emulated-dmabuf offers no REGION display planes (the VFIO_DEVICE_QUERY_GFX_PLANE probe failed)"))
                .verify(VERIFY);
        EmulatedMbochs none = new EmulatedMbochs(null, A);
        StepVerifier.create(source(none, null).frames())
                .expectErrorMessage("device emulated-nodisplay offers no display: the VFIO_DEVICE_QUERY_GFX_PLANE probe"
                        + " failed for both dma-buf and region planes")
                .verify(VERIFY);
        awaitPollersGone();
        assertThat(none.closes.get()).isEqualTo(1);
    }

    @Test
    void aDeviceThatFailsEndsTheFluxAndIsClosed() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, A);
        StepVerifier.create(source(device, null).frames())
                .assertNext(FrameEvent::release)
                .then(() -> device.failQueries(19))
                .thenConsumeWhile(e -> true, FrameEvent::release)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(VfioException.class)
                        .hasMessage("VFIO_DEVICE_QUERY_GFX_PLANE (DMABUF, plane type 1) for emulated-dmabuf:"
                                + " errno 19 (No such device)"))
                .verify(VERIFY);
        awaitPollersGone();
        assertThat(device.closes.get()).isEqualTo(1);
    }

    @Test
    void anOpenerThatFailsIsTheError() {
        VfioSource source = VfioSource.open(new VfioSettings(DEVICE, 60, null), () -> {
            throw new VfioException("cannot open /dev/vfio/7 for " + DEVICE);
        }, pool, meters);
        StepVerifier.create(source.frames()).expectErrorMessage("cannot open /dev/vfio/7 for " + DEVICE).verify(VERIFY);
    }
}
