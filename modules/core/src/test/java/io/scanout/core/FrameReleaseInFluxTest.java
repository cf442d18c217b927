package io.scanout.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Frames dropped by Reactor operators are released: counted with the pool's own statistics.
 */
class FrameReleaseInFluxTest {
    private final FramePool pool = new FramePool();
    private final VideoFormat format = new VideoFormat(DrmFormat.XR24, 32, 32);

    @AfterEach
    void close() {
        pool.close();
    }

    private Flux<FrameEvent> frames(int count) {
        AtomicLong sequence = new AtomicLong();
        return Flux.range(0, count).map(i -> new FrameEvent(pool.acquire(format), Damage.whole(),
                sequence.getAndIncrement(), System.nanoTime(), Optional.empty()));
    }

    @Test
    void framesDroppedByOnBackpressureLatestAreReleased() {
        AtomicLong delivered = new AtomicLong();
        AtomicLong discarded = new AtomicLong();
        StepVerifier.create(frames(200)
                        .onBackpressureLatest()
                        .doOnDiscard(FrameEvent.class, e -> {
                            discarded.incrementAndGet();
                            e.release();
                        })
                        .publishOn(Schedulers.single(), 1), 0)
                .thenRequest(1)
                .assertNext(e -> {
                    delivered.incrementAndGet();
                    e.release();
                })
                .thenAwait(Duration.ofMillis(20))
                .thenRequest(Long.MAX_VALUE)
                .thenConsumeWhile(e -> {
                    delivered.incrementAndGet();
                    return e.frame().release() || true;
                })
                .verifyComplete();
        FramePool.Stats stats = pool.stats();
        assertThat(stats.acquired()).isEqualTo(200);
        // The source outran a subscriber asking for one: most frames were dropped, each released once.
        assertThat(delivered.get()).as("frames delivered").isBetween(1L, 199L);
        assertThat(discarded.get()).as("frames dropped").isEqualTo(200 - delivered.get());
        assertThat(stats.outstanding()).isZero();
    }

    @RepeatedTest(20)
    void cancelRacingOnNextLeaksNothing() {
        Flux<FrameEvent> flux = Flux.interval(Duration.ofNanos(1))
                .onBackpressureDrop()
                .map(i -> new FrameEvent(pool.acquire(format), Damage.whole(), i, System.nanoTime(), Optional.empty()))
                .publishOn(Schedulers.parallel(), 8)
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
        StepVerifier.create(flux)
                .thenConsumeWhile(e -> {
                    e.release();
                    return e.sequence() < 50;
                })
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        // Cancellation on one thread while frames are in flight on another: every one ends released.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pool.stats().outstanding() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(pool.stats().outstanding()).isZero();
    }

    @Test
    void aFilteredFrameIsReleasedByTheDiscardHook() {
        StepVerifier.create(frames(10)
                        .filter(e -> e.sequence() % 2 == 0)
                        .doOnDiscard(FrameEvent.class, FrameEvent::release))
                .thenConsumeWhile(e -> e.frame().release())
                .verifyComplete();
        assertThat(pool.stats().outstanding()).isZero();
        assertThat(pool.stats().acquired()).isEqualTo(10);
    }
}
