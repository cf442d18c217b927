package io.scanout.capture.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

class SyntheticSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");

    @AfterEach
    void closePool() {
        pool.close();
    }

    private SyntheticSource source(int width, int height, int fps, DrmFormat format) {
        return SyntheticSource.open(new SyntheticSettings(width, height, fps, format), pool, meters);
    }

    @Test
    void takeCompletesAndEveryFrameIsReleased() {
        SyntheticSource source = source(64, 48, 240, DrmFormat.XR24);
        List<FrameEvent> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();

        StepVerifier.create(source.frames()
                        .doOnNext(e -> threads.add(Thread.currentThread().getName()))
                        .doOnNext(seen::add)
                        .doOnNext(FrameEvent::release)
                        .take(5))
                .expectNextCount(5)
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        awaitNoOutstandingFrames();
        assertThat(pool.stats().acquired()).isEqualTo(5);
        assertThat(threads).allMatch(name -> name.startsWith("scanout-synthetic-"));
        FrameEvent first = seen.get(0);
        assertThat(first.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 64, 48));
        assertThat(first.damage().isWhole()).isTrue();
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).formatChange()).isEmpty();
            assertThat(seen.get(i).sequence()).isGreaterThan(seen.get(i - 1).sequence());
            assertThat(seen.get(i).damage()).usingRecursiveComparison()
                    .isEqualTo(source.pattern().damage(seen.get(i - 1).sequence(), seen.get(i).sequence()));
        }
        assertThat(registry.get("scanout.frames.captured").counter().count()).isEqualTo(5);
        assertThat(registry.get("scanout.stage.latency").tag("stage", "capture").timer().count()).isEqualTo(5);
        awaitThreadsGone();
    }

    @Test
    void eachSubscriptionIsItsOwnSource() {
        SyntheticSource source = source(32, 32, 120, DrmFormat.AB24);
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(source.frames().doOnNext(FrameEvent::release).take(2))
                    .assertNext(e -> assertThat(e.formatChange()).isPresent())
                    .assertNext(e -> assertThat(e.formatChange()).isEmpty())
                    .verifyComplete();
        }
        awaitNoOutstandingFrames();
        awaitThreadsGone();
    }

    @Test
    void aSlowSubscriberSeesGapsAndDamageRelativeToWhatItSaw() {
        SyntheticSource source = source(160, 90, 60, DrmFormat.XR24);
        List<FrameEvent> kept = new CopyOnWriteArrayList<>();

        StepVerifier.Step<FrameEvent> steps = StepVerifier.create(source.frames(), 1)
                .consumeNextWith(kept::add);
        for (int i = 0; i < 5; i++) {
            steps = steps.thenAwait(Duration.ofMillis(120)).thenRequest(1).consumeNextWith(kept::add);
        }
        steps.thenCancel().verify(Duration.ofSeconds(20));

        try {
            long gaps = 0;
            for (int i = 1; i < kept.size(); i++) {
                FrameEvent before = kept.get(i - 1);
                FrameEvent after = kept.get(i);
                // 120 ms at 60 fps is about 7 frame periods: the source skipped those it was not asked for.
                assertThat(after.sequence()).isGreaterThan(before.sequence() + 1);
                gaps += after.sequence() - before.sequence() - 1;
                Damage damage = after.damage();
                assertThat(damage).usingRecursiveComparison()
                        .isEqualTo(source.pattern().damage(before.sequence(), after.sequence()));
                SyntheticPatternTest.assertExact(damage, SyntheticPatternTest.differences(before.frame(), after.frame()),
                        before.sequence() + " -> " + after.sequence());
            }
            double dropped = registry.get("scanout.frames.dropped").tag("reason", "backpressure").counter().count();
            assertThat(dropped).isGreaterThanOrEqualTo(gaps);
            assertThat(registry.get("scanout.frames.captured").counter().count()).isEqualTo(kept.size());
        } finally {
            kept.forEach(FrameEvent::release);
        }
        awaitNoOutstandingFrames();
        awaitThreadsGone();
    }

    @Test
    void cancelStopsTheSourceAndLeaksNothing() {
        SyntheticSource source = source(64, 64, 240, DrmFormat.RG16);
        // Cancel at random moments, racing the source's onNext; events the consumer got it releases.
        for (int i = 0; i < 20; i++) {
            Disposable running = source.frames().subscribe(FrameEvent::release);
            CaptureTesting.sleepMillis(ThreadLocalRandom.current().nextInt(0, 15));
            running.dispose();
        }
        awaitThreadsGone();
        awaitNoOutstandingFrames();
        assertThat(pool.stats().acquired()).isPositive();
    }

    @Test
    void cancelReleasesAnEventStillInFlight() {
        SyntheticSource source = source(64, 64, 240, DrmFormat.XR24);
        List<FrameEvent> held = new CopyOnWriteArrayList<>();

        StepVerifier.create(source.frames(), 2)
                .consumeNextWith(held::add)
                .consumeNextWith(held::add)
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        assertThat(pool.stats().outstanding()).isEqualTo(2);   // the subscriber's two, nothing else
        held.forEach(FrameEvent::release);
        awaitNoOutstandingFrames();
        awaitThreadsGone();
    }

    @Test
    void aFailureEndsTheFluxWithTheCause() {
        SyntheticSource source = source(64, 64, 60, DrmFormat.XR24);
        pool.close();

        StepVerifier.create(source.frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessage("frame pool is closed"))
                .verify(Duration.ofSeconds(10));
        awaitThreadsGone();
    }

    @Test
    void eventsCarryTheRenderedPictureOfTheirSequence() {
        SyntheticSource source = source(96, 64, 120, DrmFormat.XB24);
        FrameEvent event = source.frames().take(1).blockFirst(Duration.ofSeconds(10));
        try {
            assertThat(event).isNotNull();
            try (FramePool other = new FramePool()) {
                var expected = other.acquire(event.videoFormat());
                source.pattern().render(event.sequence(), expected);
                assertThat(SyntheticPatternTest.differences(expected, event.frame())).isEmpty();
                expected.release();
            }
            assertThat(event.captureNanos()).isLessThanOrEqualTo(System.nanoTime());
            assertThat(event.formatChange()).isEqualTo(Optional.of(new VideoFormat(DrmFormat.XB24, 96, 64)));
        } finally {
            event.release();
        }
        awaitNoOutstandingFrames();
    }

    private void awaitNoOutstandingFrames() {
        CaptureTesting.await(WAIT, () -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
    }

    private static void awaitThreadsGone() {
        CaptureTesting.awaitThreadsGone("scanout-synthetic-", WAIT);
    }
}
