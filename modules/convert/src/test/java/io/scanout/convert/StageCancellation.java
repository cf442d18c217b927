package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.testing.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * What every frame stage owes a subscriber that cancels, checked the same way for each stage: no
 * frame it took in or made is left unreleased, whether the cancel comes between frames or races
 * them from another thread.
 */
final class StageCancellation {
    private StageCancellation() {
    }

    /**
     * Takes two frames from {@code stage} over an endless source of {@code frames(i)}, cancels, and
     * checks that every frame the source made was released (the stage's own copies are the
     * caller's pool check).
     */
    static void cancelReleasesWhatWasInFlight(LongFunction<FrameEvent> frames,
                                              Function<Flux<FrameEvent>, Flux<FrameEvent>> stage) {
        List<FrameEvent> made = new CopyOnWriteArrayList<>();
        Flux<FrameEvent> endless = Flux.<FrameEvent, Long>generate(() -> 0L, (i, sink) -> {
            FrameEvent e = frames.apply(i);
            made.add(e);
            sink.next(e);
            return i + 1;
        });

        StepVerifier.create(endless.transform(stage), 2)
                .assertNext(FrameEvent::release)
                .assertNext(FrameEvent::release)
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        assertThat(made).allMatch(e -> e.frame().isReleased());
    }

    /**
     * Thirty times: runs {@code stage} over frames made on a producer thread and disposes it after
     * a random few milliseconds, mid-frame as likely as not; then waits for {@code pool} to have
     * every frame back.
     */
    static void cancelRacingFramesLeaksNothing(LongFunction<FrameEvent> frames,
                                               Function<Flux<FrameEvent>, Flux<FrameEvent>> stage, FramePool pool) {
        Scheduler producer = Schedulers.newSingle("test-producer");
        try {
            for (int round = 0; round < 30; round++) {
                Flux<FrameEvent> source = Flux.range(0, 10_000)
                        .map(frames::apply)
                        .doOnDiscard(FrameEvent.class, FrameEvent::release)
                        .subscribeOn(producer);
                Disposable running = source.transform(stage).subscribe(FrameEvent::release);
                Waiting.sleepMillis(ThreadLocalRandom.current().nextInt(0, 5));
                running.dispose();
            }
        } finally {
            producer.dispose();
        }
        await(() -> pool.stats().outstanding() == 0, () -> "frames not released: " + pool.stats());
    }

    /** Waits up to ten seconds for {@code condition}, failing with {@code failure}'s message. */
    static void await(BooleanSupplier condition, Supplier<String> failure) {
        Waiting.await(Duration.ofSeconds(10), condition, failure);
    }
}
