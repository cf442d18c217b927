package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.Damage;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FrameMemory;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.core.nativeio.LibC;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;
import reactor.test.StepVerifier;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

class DetectChangesTest {
    private static final long MS = 1_000_000L;

    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");
    private final DetectChanges detect = DetectChanges.create(pool, meters);

    @AfterEach
    void closePool() {
        pool.close();
    }

    /** A 200x130 XR24 picture: grey, with a white box at {@code boxX} (or none when negative). */
    private FrameEvent event(int boxX, long sequence, long captureMillis, Damage damage, boolean formatChange) {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, 200, 130));
        IntBinaryOperator picture = (x, y) -> boxX >= 0 && x >= boxX && x < boxX + 10 && y >= 70 && y < 80
                ? 0xffffff : 0x404040;
        TestImages.paint(frame, picture);
        return new FrameEvent(frame, damage, sequence, captureMillis * MS,
                formatChange ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    private FrameEvent whole(int boxX, long sequence, long captureMillis) {
        return event(boxX, sequence, captureMillis, Damage.whole(), sequence == 0);
    }

    @Test
    void wholeDamageBecomesTheChangedTilesAndUnchangedFramesAreDropped() {
        List<FrameEvent> in = List.of(whole(-1, 0, 0), whole(-1, 1, 10), whole(130, 2, 20), whole(130, 3, 30),
                whole(-1, 4, 40));

        StepVerifier.create(Flux.fromIterable(in).transform(detect))
                .assertNext(e -> {
                    assertThat(e).as("the first event goes on as it is").isSameAs(in.get(0));
                    assertThat(e.damage().isWhole()).isTrue();
                    e.release();
                })
                .assertNext(e -> {
                    assertThat(e.sequence()).isEqualTo(2);
                    assertThat(e.frame()).isSameAs(in.get(2).frame());
                    assertThat(e.damage().rectangles()).containsExactly(new Rect(128, 64, 64, 64));
                    e.release();
                })
                .assertNext(e -> {
                    assertThat(e.sequence()).as("the box went away: its tile changed again").isEqualTo(4);
                    assertThat(e.damage().rectangles()).containsExactly(new Rect(128, 64, 64, 64));
                    e.release();
                })
                .verifyComplete();

        assertThat(in).allMatch(e -> e.frame().isReleased());
        assertThat(unchanged()).isEqualTo(2);
        assertNoOutstandingFrames();
    }

    @Test
    void sourceDamageIsTrustedAndEmptyDamageIsUnchanged() {
        List<FrameEvent> in = List.of(event(-1, 0, 0, Damage.whole(), true),
                event(130, 1, 10, Damage.of(new Rect(130, 70, 10, 10)), false),
                event(130, 2, 20, Damage.none(), false),
                event(-1, 3, 30, Damage.of(new Rect(1, 2, 3, 4)), false));

        StepVerifier.create(Flux.fromIterable(in).transform(detect))
                .assertNext(e -> assertSameAndRelease(e, in.get(0)))
                .assertNext(e -> assertSameAndRelease(e, in.get(1)))
                .assertNext(e -> {
                    assertThat(e.damage().rectangles()).as("not checked against pixels: trusted")
                            .containsExactly(new Rect(1, 2, 3, 4));
                    assertSameAndRelease(e, in.get(3));
                })
                .verifyComplete();
        assertThat(unchanged()).isEqualTo(1);
        assertNoOutstandingFrames();
    }

    @Test
    void afterSourceDamageAWholeFrameStartsAfresh() {
        List<FrameEvent> in = List.of(whole(-1, 0, 0), event(130, 1, 10, Damage.of(new Rect(130, 70, 10, 10)), false),
                whole(130, 2, 20), whole(130, 3, 30));

        StepVerifier.create(Flux.fromIterable(in).transform(detect))
                .assertNext(FrameEvent::release)
                .assertNext(FrameEvent::release)
                .assertNext(e -> {
                    // The copy was stale after a frame the source described: no diff against it.
                    assertThat(e.damage().isWhole()).isTrue();
                    e.release();
                })
                .verifyComplete();
        assertThat(unchanged()).isEqualTo(1);
        assertNoOutstandingFrames();
    }

    @Test
    void aKeepAliveGoesOnceTheIntervalHasPassedSinceTheLastEventLetThrough() {
        List<FrameEvent> in = new ArrayList<>();
        in.add(whole(-1, 0, 0));
        for (int i = 1; i <= 12; i++) {
            in.add(whole(-1, i, i * 250L));
        }

        StepVerifier.create(Flux.fromIterable(in).transform(detect))
                .assertNext(FrameEvent::release)
                .assertNext(e -> {
                    assertThat(e.sequence()).isEqualTo(4);
                    assertThat(e.captureNanos()).isEqualTo(1000 * MS);
                    assertThat(e.damage().isEmpty()).isTrue();
                    assertThat(e.frame()).isSameAs(in.get(4).frame());
                    e.release();
                })
                .assertNext(e -> assertKeepAlive(e, 8))
                .assertNext(e -> assertKeepAlive(e, 12))
                .verifyComplete();
        assertThat(unchanged()).isEqualTo(9);
        assertNoOutstandingFrames();
    }

    @Test
    void aZeroKeepAliveNeverLetsAnUnchangedFrameThrough() {
        List<FrameEvent> in = List.of(whole(-1, 0, 0), whole(-1, 1, 5000), whole(-1, 2, 10_000));
        StepVerifier.create(Flux.fromIterable(in).transform(detect.keepAlive(Duration.ZERO)))
                .assertNext(FrameEvent::release)
                .verifyComplete();
        assertThat(unchanged()).isEqualTo(2);
        assertNoOutstandingFrames();
    }

    @Test
    void aFormatChangeOrNewLayoutGoesOnWhole() {
        FrameEvent first = whole(-1, 0, 0);
        Frame bigger = pool.acquire(new VideoFormat(DrmFormat.XR24, 320, 200));
        TestImages.paint(bigger, (x, y) -> 0x404040);
        FrameEvent resized = new FrameEvent(bigger, Damage.whole(), 1, 10 * MS, Optional.of(bigger.videoFormat()));
        Frame padded = pool.acquire(PlaneLayout.of(DrmFormat.XR24, 320, 200, new long[] {0}, new int[] {1536}));
        TestImages.paint(padded, (x, y) -> 0x404040);
        FrameEvent restrided = new FrameEvent(padded, Damage.whole(), 2, 20 * MS, Optional.empty());

        StepVerifier.create(Flux.just(first, resized, restrided).transform(detect))
                .assertNext(e -> assertSameAndRelease(e, first))
                .assertNext(e -> assertSameAndRelease(e, resized))
                .assertNext(e -> assertSameAndRelease(e, restrided))
                .verifyComplete();
        assertNoOutstandingFrames();
    }

    @Test
    void aDmaBufFrameGoesOnUnread() {
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.XR24, 200, 130);
        int fd = LibC.memfd_create("scanout-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        Frame dmaBuf = Frame.wrap(new DmaBuf(fd, layout.requiredBytes(), DmaBuf.MODIFIER_LINEAR, layout));
        FrameEvent a = whole(-1, 0, 0);
        FrameEvent b = new FrameEvent(dmaBuf, Damage.whole(), 1, 10 * MS, Optional.empty());
        FrameEvent c = whole(-1, 2, 20);

        StepVerifier.create(Flux.just(a, b, c).transform(detect))
                .assertNext(e -> assertSameAndRelease(e, a))
                .assertNext(e -> assertSameAndRelease(e, b))
                .assertNext(e -> assertSameAndRelease(e, c))
                .verifyComplete();
        assertThat(dmaBuf.isReleased()).isTrue();
        assertNoOutstandingFrames();
    }

    @Test
    void anUpstreamErrorEndsTheStageAndLeaksNothing() {
        Flux<FrameEvent> failing = Flux.concat(Flux.just(whole(-1, 0, 0), whole(-1, 1, 10)),
                Flux.error(new IOException("source went away")));

        StepVerifier.create(failing.transform(detect))
                .assertNext(FrameEvent::release)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IOException.class).hasMessage("source went away"))
                .verify(Duration.ofSeconds(10));
        assertNoOutstandingFrames();
    }

    @Test
    void cancelReleasesWhatWasInFlightAndTheCopy() {
        StageCancellation.cancelReleasesWhatWasInFlight(i -> whole(i % 2 == 0 ? -1 : 130, i, i * 10), detect);
        assertNoOutstandingFrames();
    }

    @Test
    void cancelRacingComparisonsOnAnotherThreadLeaksNothing() {
        StageCancellation.cancelRacingFramesLeaksNothing(i -> whole(i % 3 == 0 ? 130 : -1, i, i), detect, pool);
    }

    @Test
    void anUnchangedFrameCostsNoAllocation() {
        // Frames over memory whose free() does nothing, so the release itself (the pool's queue) is not counted.
        Frame backing = pool.acquire(new VideoFormat(DrmFormat.XR24, 640, 360));
        TestImages.paint(backing, (x, y) -> x * 3 + y);
        List<FrameEvent> events = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            events.add(new FrameEvent(Frame.wrap(borrowed(backing), backing.layout()), Damage.whole(), i, i * MS / 4,
                    Optional.empty()));
        }
        RecordingSink sink = new RecordingSink();
        ChangeSession session = new ChangeSession(pool, StreamMeters.noop(), 64, Duration.ofSeconds(1).toNanos());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try {
            for (int i = 0; i < 1000; i++) {
                session.onEvent(events.get(i), sink);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 1000; i < 2000; i++) {
                session.onEvent(events.get(i), sink);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(sink.received).as("only the first frame goes on").isEqualTo(1);
            // Fewer bytes than frames: not one object per frame (the JIT may still settle once).
            assertThat(allocated).as("bytes allocated over 1000 unchanged frames").isLessThan(1000);
        } finally {
            session.close();
            backing.release();
        }
        assertNoOutstandingFrames();
    }

    private static FrameMemory borrowed(Frame backing) {
        FrameMemory memory = backing.memory();
        return new FrameMemory() {
            @Override
            public long address() {
                return memory.address();
            }

            @Override
            public long size() {
                return memory.size();
            }

            @Override
            public ByteBuffer buffer() {
                return memory.buffer();
            }

            @Override
            public void free() {
                // Borrowed: the backing frame owns the memory.
            }
        };
    }

    /** Counts what the session hands on (releasing it), as Reactor's handle() sink would pass it downstream. */
    private static final class RecordingSink implements SynchronousSink<FrameEvent> {
        int received;

        @Override
        public void complete() {
        }

        @Override
        public Context currentContext() {
            return Context.empty();
        }

        @Override
        public ContextView contextView() {
            return Context.empty();
        }

        @Override
        public void error(Throwable e) {
            throw new AssertionError(e);
        }

        @Override
        public void next(FrameEvent e) {
            received++;
            e.release();
        }
    }

    private static void assertKeepAlive(FrameEvent e, long sequence) {
        assertThat(e.sequence()).isEqualTo(sequence);
        assertThat(e.damage().isEmpty()).isTrue();
        e.release();
    }

    private static void assertSameAndRelease(FrameEvent got, FrameEvent want) {
        assertThat(got).isSameAs(want);
        got.release();
    }

    private double unchanged() {
        return registry.get("scanout.frames.dropped").tag("reason", "unchanged").counter().count();
    }

    private void assertNoOutstandingFrames() {
        assertThat(pool.stats().outstanding()).as("frames not released: %s", pool.stats()).isZero();
    }
}
