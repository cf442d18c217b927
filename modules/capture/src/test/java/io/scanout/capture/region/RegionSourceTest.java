package io.scanout.capture.region;

import static io.scanout.capture.region.RegionTesting.assertPattern;
import static io.scanout.capture.region.RegionTesting.await;
import static io.scanout.capture.region.RegionTesting.awaitPollersGone;
import static io.scanout.capture.region.RegionTesting.mappingsOf;
import static io.scanout.capture.testing.CaptureTesting.openFds;
import static io.scanout.capture.testing.CaptureTesting.sleepMillis;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

class RegionSourceTest {
    private static final Duration VERIFY = Duration.ofSeconds(30);
    private static final VideoFormat XR24_320 = new VideoFormat(DrmFormat.XR24, 320, 180);

    @TempDir
    Path dir;
    private final FramePool pool = new FramePool();
    private final FramePool expectedPool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");
    private RegionProducer producer;

    @AfterEach
    void tearDown() {
        awaitPollersGone();
        await(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
        if (producer != null) {
            producer.close();
        }
        pool.close();
        expectedPool.close();
    }

    private RegionProducer produce(VideoFormat format, long regionBytes) {
        producer = RegionProducer.start(dir.resolve("fb"), format, 60, regionBytes);
        return producer;
    }

    private RegionSource source(int fps, int timeoutMillis) {
        return RegionSource.open(new RegionSettings(dir.resolve("fb"), fps, timeoutMillis), pool, meters);
    }

    private double counter(String name, String reason) {
        return reason == null ? registry.get(name).counter().count()
                : registry.get(name).tag("reason", reason).counter().count();
    }

    @Test
    void aStillProducerArrivesPixelForPixel() {
        produce(XR24_320, RegionProducer.regionBytesFor(1 << 20)).hold(42);
        List<String> threads = new CopyOnWriteArrayList<>();

        StepVerifier.create(source(120, 2000).frames()
                        .doOnNext(e -> threads.add(Thread.currentThread().getName())).take(3))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(XR24_320);
                    assertThat(e.damage().isWhole()).isTrue();
                    assertThat(e.frame().isDmaBuf()).isFalse();
                    assertPattern(e.frame(), 42, expectedPool);
                    e.release();
                })
                .assertNext(e -> {
                    assertThat(e.formatChange()).isEmpty();
                    assertThat(e.damage().isWhole()).isTrue();
                    assertPattern(e.frame(), 42, expectedPool);
                    e.release();
                })
                .assertNext(e -> {
                    assertThat(e.sequence()).isEqualTo(2);
                    assertThat(e.captureNanos()).isLessThanOrEqualTo(System.nanoTime());
                    assertPattern(e.frame(), 42, expectedPool);
                    e.release();
                })
                .expectComplete()
                .verify(VERIFY);

        assertThat(threads).allMatch(name -> name.matches("scanout-region-\\d+"));
        assertThat(counter("scanout.frames.captured", null)).isEqualTo(3);
        assertThat(registry.get("scanout.stage.latency").tag("stage", "capture").timer().count()).isEqualTo(3);
    }

    @Test
    void anyOffsetAndStrideInsideTheRegionIsHonoured() {
        produce(XR24_320, RegionProducer.regionBytesFor(1 << 20)).hold(7);
        // An odd offset, a stride with padding, and a 3-byte format with an odd width: nothing aligned.
        producer.setLayout(PlaneLayout.of(DrmFormat.RG24, 161, 90, new long[] {4099}, new int[] {161 * 3 + 13}));

        StepVerifier.create(source(120, 2000).frames().take(2))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.RG24, 161, 90));
                    assertThat(e.frame().layout().stride(0)).isEqualTo(161 * 3 + 13);
                    assertPattern(e.frame(), 7, expectedPool);
                    e.release();
                })
                .assertNext(e -> {
                    assertPattern(e.frame(), 7, expectedPool);
                    e.release();
                })
                .verifyComplete();
    }

    @Test
    void resolutionAndFormatChangesAreFormatChangeEvents() {
        VideoFormat bigger = new VideoFormat(DrmFormat.XR24, 640, 360);
        VideoFormat rgb565 = new VideoFormat(DrmFormat.RG16, 640, 360);
        produce(XR24_320, RegionProducer.regionBytesFor(1 << 20)).hold(3);

        StepVerifier.create(source(120, 2000).frames())
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(XR24_320);
                    e.release();
                })
                .then(() -> producer.setFormat(bigger))
                // Frames answered before the change still come, in the old format and without a change.
                .thenConsumeWhile(e -> e.videoFormat().equals(XR24_320) && e.formatChange().isEmpty(),
                        FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(bigger);
                    assertPattern(e.frame(), 3, expectedPool);
                    e.release();
                })
                .then(() -> producer.setFormat(rgb565))
                .thenConsumeWhile(e -> e.videoFormat().equals(bigger) && e.formatChange().isEmpty(),
                        FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(rgb565);
                    assertThat(e.frame().layout().stride(0)).isEqualTo(640 * 2);
                    assertPattern(e.frame(), 3, expectedPool);
                    e.release();
                })
                .assertNext(e -> {
                    assertThat(e.formatChange()).isEmpty();
                    assertThat(e.videoFormat()).isEqualTo(rgb565);
                    e.release();
                })
                .thenCancel()
                .verify(VERIFY);
    }

    @Test
    void anAnimatedProducerShowsMovement() {
        produce(XR24_320, RegionProducer.regionBytesFor(1 << 20));
        List<FrameEvent> kept = new CopyOnWriteArrayList<>();

        StepVerifier.create(source(30, 2000).frames().take(4))
                .thenConsumeWhile(e -> kept.add(e))
                .verifyComplete();
        try {
            // Four requests at 30 a second span at least 100 ms of a 60 fps animation: the box has moved.
            // (Consecutive frames may match when a late tick catches up, so only the ends are compared.)
            assertThat(kept.get(3).frame().buffer().mismatch(kept.get(0).frame().buffer())).isNotNegative();
            assertThat(kept.get(3).sequence()).isEqualTo(kept.get(0).sequence() + 3);
        } finally {
            kept.forEach(FrameEvent::release);
        }
    }

    @Test
    void aProducerThatStopsAnsweringEndsTheFluxAfterTheTimeout() {
        produce(XR24_320, RegionProducer.regionBytesFor(1 << 20));
        Path path = dir.resolve("fb");
        long fdsBefore = openFds();

        StepVerifier.create(source(60, 200).frames())
                .assertNext(FrameEvent::release)
                .then(() -> producer.setAnswering(false))
                .thenConsumeWhile(e -> true, FrameEvent::release)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RegionException.class)
                        .hasMessage("region " + path + ": the producer did not answer a frame request within 200 ms"
                                + " (state is 1, 2 means answered)"))
                .verify(VERIFY);

        awaitPollersGone();
        await(() -> openFds() <= fdsBefore, () -> "fds: " + openFds() + " after, " + fdsBefore + " before");
        assertThat(mappingsOf(path)).isEqualTo(1);   // the producer's own
    }

    @Test
    void aSlowSubscriberIsNeverAskedForMoreThanItRequested() {
        produce(XR24_320, RegionProducer.regionBytesFor(1 << 20));

        StepVerifier.create(source(120, 2000).frames(), 1)
                .assertNext(FrameEvent::release)
                .thenAwait(Duration.ofMillis(150))
                .thenRequest(1)
                .assertNext(FrameEvent::release)
                .thenAwait(Duration.ofMillis(150))
                .thenRequest(1)
                .assertNext(FrameEvent::release)
                .thenAwait(Duration.ofMillis(100))
                .thenCancel()
                .verify(VERIFY);

        awaitPollersGone();
        // No request was written without demand: the producer answered exactly the three frames.
        assertThat(producer.answered()).isEqualTo(3);
        assertThat(counter("scanout.frames.captured", null)).isEqualTo(3);
        // About 18 ticks per 150 ms at 120 fps passed without demand.
        assertThat(counter("scanout.frames.dropped", "backpressure")).isGreaterThanOrEqualTo(10);
        assertThat(counter("scanout.frames.dropped", "error")).isZero();
    }

    @Test
    void cancelUnmapsTheRegionAndClosesItsFdEveryTime() {
        produce(XR24_320, RegionProducer.regionBytesFor(1 << 20));
        Path path = dir.resolve("fb");
        RegionSource source = source(240, 2000);
        // One cycle first, so classes and lazily opened jars are in place before counting.
        source.frames().take(1).doOnNext(FrameEvent::release).blockLast(VERIFY);
        awaitPollersGone();
        long fdsBefore = openFds();
        assertThat(mappingsOf(path)).isEqualTo(1);

        for (int i = 0; i < 200; i++) {
            Disposable running = source.frames().subscribe(FrameEvent::release);
            sleepMillis(ThreadLocalRandom.current().nextInt(0, 6));
            running.dispose();
        }

        awaitPollersGone();
        await(() -> openFds() <= fdsBefore, () -> "fds: " + openFds() + " after, " + fdsBefore + " before");
        assertThat(mappingsOf(path)).isEqualTo(1);
        await(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
        assertThat(pool.stats().acquired()).isPositive();
    }

    @Test
    void aMissingRegionIsAnErrorNamingThePathAndErrno() {
        Path missing = dir.resolve("nobody-here");
        StepVerifier.create(RegionSource.open(RegionSettings.of(missing), pool, meters).frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RegionException.class)
                        .hasMessage("cannot open region " + missing + ": errno 2 (No such file or directory)"))
                .verify(VERIFY);
    }

    @Test
    void aRegionFileThatCannotHoldTheProtocolIsAnError() throws Exception {
        Path small = dir.resolve("small");
        Path odd = dir.resolve("odd");
        try (RandomAccessFile f = new RandomAccessFile(small.toFile(), "rw")) {
            f.setLength(20);
        }
        try (RandomAccessFile f = new RandomAccessFile(odd.toFile(), "rw")) {
            f.setLength(4098);
        }
        long fdsBefore = openFds();
        StepVerifier.create(RegionSource.open(RegionSettings.of(small), pool, meters).frames())
                .expectErrorMessage("region " + small + " is 20 B, smaller than its 28 B of metadata")
                .verify(VERIFY);
        StepVerifier.create(RegionSource.open(RegionSettings.of(odd), pool, meters).frames())
                .expectErrorMessage("region " + odd + " is 4098 B, not a multiple of 4: its metadata at size - 28"
                        + " would not be aligned")
                .verify(VERIFY);
        awaitPollersGone();
        await(() -> openFds() <= fdsBefore, () -> "fds leaked on the error path: " + openFds() + " vs " + fdsBefore);
    }

    @Test
    void aRegionResizedWhileMappedIsAnError() throws Exception {
        long regionBytes = RegionProducer.regionBytesFor(1 << 20);
        produce(XR24_320, regionBytes);
        Path path = dir.resolve("fb");

        StepVerifier.create(source(120, 2000).frames())
                .assertNext(FrameEvent::release)
                .then(() -> {
                    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                        f.setLength(regionBytes + 4096);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .thenConsumeWhile(e -> true, FrameEvent::release)
                .expectErrorMessage("region " + path + " changed size from " + regionBytes + " B to "
                        + (regionBytes + 4096) + " B while mapped; it is mapped afresh when the source restarts")
                .verify(VERIFY);
    }
}
