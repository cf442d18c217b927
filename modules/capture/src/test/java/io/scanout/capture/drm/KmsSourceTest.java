package io.scanout.capture.drm;

import static io.scanout.capture.testing.CaptureTesting.sleepMillis;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.capture.vfio.DmaBufReader;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** KMS capture against an emulated card; the real-card test is {@link KmsRealDeviceTest}. */
class KmsSourceTest {
    private static final Duration VERIFY = Duration.ofSeconds(30);
    private static final PlaneLayout A = PlaneLayout.packed(DrmFormat.XR24, 320, 180);

    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");

    @AfterEach
    void tearDown() {
        await(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("scanout-drm-")), () -> "a drm thread runs on");
        await(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
        pool.close();
    }

    private KmsSource source(EmulatedKms card, int plane) {
        return KmsSource.open(new KmsSettings(Path.of("/dev/dri/card0"), 240, plane, 0), () -> card, pool, meters);
    }

    private void assertPattern(FrameEvent e, long index) {
        Frame cpu = DmaBufReader.copy(e.frame(), pool);
        Frame expected = pool.acquire(PlaneLayout.packed(cpu.format(), cpu.width(), cpu.height()));
        try {
            new SyntheticPattern(cpu.width(), cpu.height()).render(index, expected);
            int row = (int) expected.layout().rowBytes(0);
            for (int y = 0; y < cpu.height(); y++) {
                ByteBuffer a = cpu.buffer().slice((int) cpu.layout().offset(0) + y * cpu.layout().stride(0), row);
                ByteBuffer b = expected.buffer().slice(y * expected.layout().stride(0), row);
                assertThat(a.mismatch(b)).as("row %d", y).isEqualTo(-1);
            }
        } finally {
            expected.release();
            cpu.release();
        }
    }

    @Test
    void theScannedOutFramebufferArrivesAsADmaBufAndEveryHandleIsClosed() {
        EmulatedKms card = new EmulatedKms();
        card.addFramebuffer(50, A, 6);
        card.addFramebuffer(51, A, 9);
        card.addFramebuffer(52, PlaneLayout.packed(DrmFormat.XR24, 640, 480), 2);
        card.scanout(31, 50);

        StepVerifier.create(source(card, 0).frames())
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 320, 180));
                    assertThat(e.frame().isDmaBuf()).isTrue();
                    assertThat(e.frame().dmaBuf().modifier()).isEqualTo(0);
                    assertPattern(e, 6);
                    e.release();
                })
                .then(() -> card.scanout(31, 51))   // a page flip: same format, another buffer
                .thenConsumeWhile(e -> !shows(e, 9), FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.formatChange()).isEmpty();
                    assertPattern(e, 9);
                    e.release();
                })
                .then(() -> card.scanout(31, 52))   // a mode set
                .thenConsumeWhile(e -> e.formatChange().isEmpty(), FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 640, 480));
                    assertPattern(e, 2);
                    e.release();
                })
                .thenCancel()
                .verify(VERIFY);

        await(card::isClosed, () -> "card not closed");
        assertThat(card.openHandleCount()).as("GEM handles left open").isZero();
        assertThat(card.handlesClosed.get()).isPositive();
        assertThat(card.closes.get()).isEqualTo(1);
    }

    /** Whether an event shows pattern frame {@code index} (to skip frames from before a flip). */
    private boolean shows(FrameEvent e, long index) {
        Frame cpu = DmaBufReader.copy(e.frame(), pool);
        Frame expected = pool.acquire(cpu.layout());
        try {
            new SyntheticPattern(cpu.width(), cpu.height()).render(index, expected);
            return cpu.buffer().mismatch(expected.buffer()) == -1;
        } finally {
            expected.release();
            cpu.release();
        }
    }

    @Test
    void aTwoPlaneFormatKeepsItsOffsetsAndPitchesInOneDmaBuf() {
        EmulatedKms card = new EmulatedKms();
        PlaneLayout nv12 = PlaneLayout.of(DrmFormat.NV12, 64, 48, new long[] {0, 128 * 48}, new int[] {128, 128});
        card.addFramebuffer(60, nv12, 0);
        card.scanout(31, 60);
        StepVerifier.create(source(card, 31).frames().take(1))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.NV12, 64, 48));
                    assertThat(e.frame().dmaBuf().layout()).isEqualTo(nv12);
                    e.release();
                })
                .verifyComplete();
    }

    @Test
    void aPlaneWithNothingOnItIsBlackUntilItScansOutAgain() {
        EmulatedKms card = new EmulatedKms();
        card.addFramebuffer(50, A, 4);
        StepVerifier.create(source(card, 0).frames())
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 640, 480));
                    assertThat(e.frame().isDmaBuf()).isFalse();
                    e.release();
                })
                .expectNoEvent(Duration.ofMillis(100))
                .then(() -> card.scanout(31, 50))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 320, 180));
                    assertPattern(e, 4);
                    e.release();
                })
                .then(() -> card.scanout(31, 0))
                .thenConsumeWhile(FrameEvent::isFormatChange, FrameEvent::release)
                .thenConsumeWhile(e -> e.frame().isDmaBuf(), FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.videoFormat()).isEqualTo(new VideoFormat(DrmFormat.XR24, 320, 180));
                    ByteBuffer b = e.frame().buffer();
                    assertThat(b.mismatch(ByteBuffer.allocate(b.capacity()))).isEqualTo(-1);
                    e.release();
                })
                .expectNoEvent(Duration.ofMillis(100))
                .thenCancel()
                .verify(VERIFY);
    }

    @Test
    void badFramebuffersAreDroppedOnceEachAndCaptureGoesOn() {
        EmulatedKms card = new EmulatedKms();
        card.addFramebuffer(50, A, 1);
        EmulatedKms.Fb good = card.fb(50);
        // NV12 whose chroma plane the compositor put in a second buffer object.
        card.addFramebuffer(61, PlaneLayout.of(DrmFormat.NV12, 64, 48, new long[] {0, 64 * 48}, new int[] {64, 64}), 0);
        card.reportAs(61, fb -> new EmulatedKms.Fb(fb.id(), fb.format(), fb.width(), fb.height(), fb.pitches(),
                fb.offsets(), fb.modifier(), fb.flags(), true, fb.memory()));
        // A buffer one row short of what its framebuffer claims.
        card.addFramebuffer(62, PlaneLayout.packed(DrmFormat.XR24, 320, 179), 0);
        card.reportAs(62, fb -> new EmulatedKms.Fb(fb.id(), fb.format(), fb.width(), 180, fb.pitches(), fb.offsets(),
                fb.modifier(), fb.flags(), false, fb.memory()));
        card.scanout(31, 50);

        List<Runnable> breakIt = List.of(
                () -> card.reportAs(50, fb -> withFormat(fb, DrmFormat.fourcc("YUV9"))),
                () -> card.scanout(31, 61),
                () -> card.reportAs(50, fb -> new EmulatedKms.Fb(fb.id(), fb.format(), fb.width(), fb.height(),
                        new int[] {1000, 0, 0, 0}, fb.offsets(), fb.modifier(), fb.flags(), false, fb.memory())),
                () -> card.scanout(31, 62));
        List<String> causes = List.of(
                "unknown DRM fourcc 0x39565559 ('YUV9')",
                "plane 1 of NV12 is in another buffer (handle ",
                "plane 0 of XR24 320x180: stride 1000 B is smaller than a row of 1280 B",
                "the framebuffer (XR24 320x180 offsets [0] strides [1280]) needs 230400 B and its dma-buf holds 229120 B");

        Logger logger = (Logger) LoggerFactory.getLogger(KmsPoller.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        List<FrameEvent> events = new CopyOnWriteArrayList<>();
        long fdsBefore = openFds();
        Disposable running = source(card, 31).withPeriodNanos(500_000).frames().subscribe(events::add);
        try {
            await(() -> !events.isEmpty(), () -> "no first frame");
            for (int i = 0; i < causes.size(); i++) {
                String cause = causes.get(i);
                breakIt.get(i).run();
                double before = errors();
                await(() -> errors() >= before + 2, () -> cause + ": not dropped");
                releaseAll(events);
                double drained = errors();
                await(() -> errors() >= drained + 3, () -> cause + ": polling stopped");
                assertThat(events).as("frames from a bad framebuffer: %s", cause).isEmpty();
                assertThat(messages(logs)).as(cause).anyMatch(m -> m.contains("bad framebuffer: " + cause));

                card.reportAs(50, fb -> good);
                card.scanout(31, 50);
                await(() -> !events.isEmpty(), () -> cause + ": no recovery");
                releaseAll(events);
            }
            assertThat(messages(logs).stream().filter(m -> m.contains("(logged once per cause")).count()).isEqualTo(4);
        } finally {
            running.dispose();
            logger.detachAppender(logs);
            await(card::isClosed, () -> "card not closed");
            releaseAll(events);
        }
        assertThat(card.openHandleCount()).as("GEM handles left open").isZero();
        await(() -> openFds() <= fdsBefore, () -> "rejected dma-buf fds left open");
    }

    private static EmulatedKms.Fb withFormat(EmulatedKms.Fb fb, int fourcc) {
        return new EmulatedKms.Fb(fb.id(), fourcc, fb.width(), fb.height(), fb.pitches(), fb.offsets(), fb.modifier(),
                fb.flags(), fb.split(), fb.memory());
    }

    private static void releaseAll(List<FrameEvent> events) {
        for (FrameEvent e : events) {
            e.release();
        }
        events.clear();
    }

    private static List<String> messages(ListAppender<ILoggingEvent> logs) {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        }
    }

    private double errors() {
        return registry.get("scanout.frames.dropped").tag("reason", "error").counter().count();
    }

    @Test
    void withoutCapSysAdminTheErrorSaysWhatIsMissing() {
        EmulatedKms card = new EmulatedKms();
        card.addFramebuffer(50, A, 1);
        card.scanout(31, 50);
        card.setPrivileged(false);
        StepVerifier.create(source(card, 0).frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DrmException.class).hasMessage(
                        "DRM_IOCTL_MODE_GETFB2 gave no buffer handle for framebuffer 50 on emulated-card0: reading the"
                                + " screen needs CAP_SYS_ADMIN (run as root, or setcap cap_sys_admin+ep on the java binary)"))
                .verify(VERIFY);
        await(card::isClosed, () -> "card not closed");
    }

    @Test
    void cancelAtAnyMomentClosesTheCardOnceAndEveryFd() {
        List<EmulatedKms> opened = new CopyOnWriteArrayList<>();
        KmsSource source = KmsSource.open(new KmsSettings(Path.of("/dev/dri/card0"), 240, 0, 0), () -> {
            EmulatedKms card = new EmulatedKms();
            card.addFramebuffer(50, A, 1);
            card.scanout(31, 50);
            opened.add(card);
            return card;
        }, pool, meters).withPeriodNanos(200_000);
        source.frames().take(2).doOnNext(FrameEvent::release).blockLast(VERIFY);
        await(() -> opened.get(0).isClosed(), () -> "first card not closed");
        long before = openFds();
        for (int i = 0; i < 100; i++) {
            Disposable running = source.frames().subscribe(FrameEvent::release);
            sleepMillis(ThreadLocalRandom.current().nextInt(0, 8));
            running.dispose();
        }
        await(() -> opened.stream().allMatch(EmulatedKms::isClosed), () -> "a card was not closed");
        assertThat(opened).allMatch(c -> c.closes.get() == 1 && c.openHandleCount() == 0);
        await(() -> openFds() <= before, () -> "fds: " + openFds() + " now, " + before + " before");
    }

    private static long openFds() {
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    String t = java.nio.file.Files.readSymbolicLink(p).toString();
                    return !t.startsWith("socket:") && !t.endsWith(".jar");
                } catch (java.io.IOException e) {
                    return false;   // the listing's own fd, gone already
                }
            }).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void await(BooleanSupplier condition, java.util.function.Supplier<String> failure) {
        CaptureTesting.await(Duration.ofSeconds(20), condition, failure);
    }
}
