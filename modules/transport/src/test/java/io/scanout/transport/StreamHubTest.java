package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;
import reactor.test.util.RaceTestUtils;

class StreamHubTest {
    private static final int GOP = 30;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");
    private final AtomicInteger keyframeRequests = new AtomicInteger();
    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private VirtualTimeScheduler time;
    private Sinks.Many<EncodedPacket> source;

    @BeforeEach
    void setUp() {
        time = VirtualTimeScheduler.create();
        source = Sinks.many().unicast().onBackpressureBuffer();
        Hooks.onErrorDropped(dropped::add);
        Hooks.onNextDropped(o -> dropped.add(new AssertionError("onNext dropped: " + o)));
    }

    @AfterEach
    void tearDown() {
        Hooks.resetOnErrorDropped();
        Hooks.resetOnNextDropped();
        time.dispose();
        assertThat(dropped).as("signals dropped by Reactor").isEmpty();
    }

    private StreamHub hub(ViewerLimits limits) {
        return new StreamHub("test", limits, keyframeRequests::incrementAndGet, meters, time,
                () -> time.now(TimeUnit.NANOSECONDS));
    }

    private StreamHub connectedHub(ViewerLimits limits) {
        StreamHub hub = hub(limits);
        hub.connect(source.asFlux());
        return hub;
    }

    private void emit(long sequence) {
        emit(Packets.inGop(sequence, GOP));
    }

    private void emit(EncodedPacket packet) {
        assertThat(source.tryEmitNext(packet).isSuccess()).isTrue();
    }

    private static TestSubscriber<EncodedPacket> viewer(StreamHub hub, long initialRequest) {
        TestSubscriber<EncodedPacket> viewer = TestSubscriber.<EncodedPacket>builder()
                .initialRequest(initialRequest).build();
        hub.join().subscribe(viewer);
        return viewer;
    }

    private static List<Long> sequences(TestSubscriber<EncodedPacket> viewer) {
        List<Long> out = new ArrayList<>();
        for (EncodedPacket p : viewer.getReceivedOnNext()) {
            out.add(p.sequence());
        }
        return out;
    }

    private static List<Long> range(long from, long toExclusive) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < toExclusive; i++) {
            out.add(i);
        }
        return out;
    }

    private double viewerBehindDrops() {
        return registry.get("scanout.frames.dropped").tag("reason", "viewer-behind").counter().count();
    }

    @Test
    void twoViewersGetEveryPacketInOrderWhileAThirdIsStuck() {
        StreamHub hub = connectedHub(new ViewerLimits(8, 1 << 20, Duration.ofMillis(250)));
        TestSubscriber<EncodedPacket> a = viewer(hub, Long.MAX_VALUE);
        TestSubscriber<EncodedPacket> b = viewer(hub, Long.MAX_VALUE);
        TestSubscriber<EncodedPacket> stuck = viewer(hub, 0);
        assertThat(hub.viewers()).isEqualTo(3);

        // Stop mid-GOP, with the stuck viewer's queue holding the last keyframe and what followed it.
        int total = 186;
        for (long s = 0; s < total; s++) {
            emit(s);
        }
        assertThat(sequences(a)).isEqualTo(range(0, total));
        assertThat(sequences(b)).isEqualTo(range(0, total));
        assertThat(stuck.getReceivedOnNext()).isEmpty();

        // Asking again, the stuck one resumes at a keyframe and has everything after it, in order.
        stuck.request(Long.MAX_VALUE);
        emit(total);
        List<EncodedPacket> got = stuck.getReceivedOnNext();
        assertThat(got).isNotEmpty();
        assertThat(got.get(0).keyframe()).isTrue();
        assertThat(sequences(stuck)).isEqualTo(range(got.get(0).sequence(), total + 1));
        assertThat(got.get(0).sequence()).isEqualTo(180); // the last keyframe: everything before went
        // Every packet the stuck viewer did not get was counted as dropped for being behind.
        double dropsOfStuck = viewerBehindDrops();
        assertThat(dropsOfStuck).isEqualTo(total + 1 - got.size());

        // Stuck again past its queue, it skips to the next keyframe once more.
        stuck.cancel();
        TestSubscriber<EncodedPacket> again = viewer(hub, 0);
        for (long s = total + 1; s < 250; s++) {
            emit(s);
        }
        again.request(Long.MAX_VALUE);
        assertThat(again.getReceivedOnNext()).isEmpty(); // 240..247 were queued, 248 made it behind again
        for (long s = 250; s < 275; s++) {
            emit(s);
        }
        assertThat(sequences(again)).isEqualTo(range(270, 275));
        assertThat(sequences(a)).isEqualTo(range(0, 275));
        // It joined with the GOP from 180 and, taking nothing, fell behind: of 180..274 it got 5.
        assertThat(viewerBehindDrops() - dropsOfStuck).isEqualTo(275 - 180 - 5);
    }

    @Test
    void aViewerJoiningMidGopStartsAtTheGopsKeyframeWithoutAskingTheEncoder() {
        StreamHub hub = connectedHub(ViewerLimits.defaults());
        emit(0);
        emit(1);
        emit(2);
        TestSubscriber<EncodedPacket> late = viewer(hub, Long.MAX_VALUE);
        // Before the source produces anything more, the joiner has the GOP from its keyframe.
        assertThat(sequences(late)).containsExactly(0L, 1L, 2L);
        assertThat(late.getReceivedOnNext().get(0).keyframe()).isTrue();
        emit(3);
        assertThat(sequences(late)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(keyframeRequests).as("joining costs the encoder nothing").hasValue(0);
        assertThat(viewerBehindDrops()).as("joining is not being behind").isZero();
        assertThat(registry.get("scanout.viewer.skips").counter().count()).isZero();
    }

    /** Players and push pace by timestamps: they join live, at the next keyframe, with no replay. */
    @Test
    void aLiveJoinerSkipsTheKeptGopAndStartsAtTheKeyframeItAsksFor() {
        StreamHub hub = connectedHub(ViewerLimits.defaults());
        emit(0);
        emit(1);
        TestSubscriber<EncodedPacket> live = TestSubscriber.create();
        hub.joinLive().map(HubPacket::packet).subscribe(live);
        assertThat(live.getReceivedOnNext()).as("no replay").isEmpty();
        assertThat(keyframeRequests).as("a keyframe asked for at once").hasValue(1);
        emit(2);
        assertThat(live.getReceivedOnNext()).as("a delta frame is not a start").isEmpty();
        emit(Packets.packet(3, true, 100));
        emit(4);
        assertThat(sequences(live)).containsExactly(3L, 4L);
    }

    @Test
    void aReplayIsTakenOnDemandAndAViewerBehindInItSkipsTheRest() {
        StreamHub hub = connectedHub(new ViewerLimits(3, 1 << 20, Duration.ZERO));
        for (long s = 0; s < 10; s++) {
            emit(s); // a GOP of 10, more than a viewer's queue holds: the replay is not in the queue
        }
        TestSubscriber<EncodedPacket> slow = viewer(hub, 4);
        assertThat(sequences(slow)).containsExactly(0L, 1L, 2L, 3L);
        slow.request(100);
        assertThat(sequences(slow)).isEqualTo(range(0, 10));

        TestSubscriber<EncodedPacket> stuck = viewer(hub, 2);
        for (long s = 10; s < 14; s++) {
            emit(s); // 10, 11, 12 queued behind the replay; 13 finds the queue full
        }
        stuck.request(100);
        assertThat(sequences(stuck)).as("the rest of its replay and the queue went").containsExactly(0L, 1L);
        emit(30);
        assertThat(sequences(stuck)).containsExactly(0L, 1L, 30L);
        assertThat(viewerBehindDrops()).isEqualTo(8 + 3 + 1); // 2..9 of the replay, 10..12 queued, 13
    }

    @Test
    void aJoinerWithoutAGopToReplayAsksAtOnceAndStartsAtTheEncodersNextFrame() {
        // An encoder, simulated: its next frame is a keyframe when one was asked for, else every 1000th.
        AtomicInteger asked = new AtomicInteger();
        AtomicBoolean wanted = new AtomicBoolean();
        StreamHub hub = new StreamHub("test", new ViewerLimits(60, 1 << 20, Duration.ofMillis(250), 4, 1 << 20),
                () -> {
                    asked.incrementAndGet();
                    wanted.set(true);
                }, meters, time, () -> time.now(TimeUnit.NANOSECONDS));
        hub.connect(source.asFlux());
        long[] next = {0};
        Runnable frame = () -> {
            long s = next[0]++;
            emit(Packets.packet(s, s % 1000 == 0 || wanted.getAndSet(false), 100));
        };
        for (int i = 0; i < 10; i++) {
            frame.run(); // a GOP of 10 outgrows the 4 packets the hub keeps
        }
        TestSubscriber<EncodedPacket> a = viewer(hub, Long.MAX_VALUE);
        assertThat(asked).hasValue(1);
        frame.run();
        assertThat(framesBeforeFirstPacket(a, 10)).as("frames from A's join to its first packet").isEqualTo(1);

        frame.run();
        frame.run(); // 10, 11, 12: a GOP that fits
        TestSubscriber<EncodedPacket> b = viewer(hub, Long.MAX_VALUE);
        assertThat(sequences(b)).as("B gets the kept GOP at once").containsExactly(10L, 11L, 12L);
        assertThat(asked).hasValue(1);

        for (int i = 0; i < 3; i++) {
            frame.run(); // 13..15: outgrown again
        }
        // Within 250 ms of the last request, but that one was answered: ask again, at once.
        TestSubscriber<EncodedPacket> c = viewer(hub, Long.MAX_VALUE);
        TestSubscriber<EncodedPacket> d = viewer(hub, Long.MAX_VALUE);
        assertThat(asked).as("D's join rides on C's request").hasValue(2);
        frame.run();
        assertThat(framesBeforeFirstPacket(c, 16)).isEqualTo(1);
        assertThat(framesBeforeFirstPacket(d, 16)).isEqualTo(1);
        assertThat(a.getReceivedOnNext()).extracting(EncodedPacket::sequence).isEqualTo(range(10, 17));
        assertThat(viewerBehindDrops()).isZero();
    }

    @Test
    void aJoinAsksAgainWhenTheRequestOnItsWayWasNotAnswered() {
        StreamHub hub = connectedHub(new ViewerLimits(60, 1 << 20, Duration.ofMillis(250), 0, 0));
        viewer(hub, Long.MAX_VALUE);
        viewer(hub, Long.MAX_VALUE);
        assertThat(keyframeRequests).hasValue(1);
        time.advanceTimeBy(Duration.ofMillis(250));
        viewer(hub, Long.MAX_VALUE);
        assertThat(keyframeRequests).as("an encoder that ignored it gets asked again").hasValue(2);
    }

    @Test
    void aGopPastTheByteBoundIsNotKept() {
        StreamHub hub = connectedHub(new ViewerLimits(60, 1 << 20, Duration.ZERO, 100, 250));
        emit(Packets.packet(0, true, 100));
        emit(Packets.packet(1, false, 100));
        TestSubscriber<EncodedPacket> fits = viewer(hub, Long.MAX_VALUE);
        assertThat(sequences(fits)).containsExactly(0L, 1L);
        emit(Packets.packet(2, false, 100)); // 300 bytes > 250
        TestSubscriber<EncodedPacket> late = viewer(hub, Long.MAX_VALUE);
        assertThat(late.getReceivedOnNext()).isEmpty();
        assertThat(keyframeRequests).hasValue(1);
        emit(Packets.packet(3, true, 1000)); // a keyframe alone past the bound: delivered, not kept
        assertThat(sequences(late)).containsExactly(3L);
        viewer(hub, Long.MAX_VALUE);
        assertThat(keyframeRequests).hasValue(2);
    }

    @Test
    void keyframeRequestsOfViewersBehindAreRateLimitedWithoutBeingLost() {
        StreamHub hub = connectedHub(new ViewerLimits(2, 1 << 20, Duration.ofMillis(250), 0, 0));
        viewer(hub, 0);
        viewer(hub, 0);
        viewer(hub, 0);
        assertThat(keyframeRequests).as("three joins, one request on its way").hasValue(1);
        emit(0);
        emit(1);
        emit(2); // all three behind within 250 ms of the request
        assertThat(keyframeRequests).hasValue(1);
        time.advanceTimeBy(Duration.ofMillis(249));
        assertThat(keyframeRequests).hasValue(1);
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(keyframeRequests).as("the merged request, once the interval passed").hasValue(2);

        // A keyframe that arrives before the deferred request makes it unnecessary.
        for (long s = 3; s <= 32; s++) {
            emit(s); // 30 resumes them, 32 makes them behind again
        }
        time.advanceTimeBy(Duration.ofMillis(100));
        emit(Packets.packet(33, true, 100));
        time.advanceTimeBy(Duration.ofMillis(500));
        assertThat(keyframeRequests).hasValue(2);

        // After the interval a request goes at once.
        emit(34);
        emit(35);
        assertThat(keyframeRequests).hasValue(3);
    }

    @Test
    void aJoinRacingPacketsGetsEachPacketOnceFromAKeyframe() {
        StreamHub hub = connectedHub(ViewerLimits.defaults());
        AtomicInteger sequence = new AtomicInteger();
        for (int round = 0; round < 2_000; round++) {
            AtomicReference<TestSubscriber<EncodedPacket>> joined =
                    new AtomicReference<>();
            RaceTestUtils.race(
                    () -> {
                        for (int i = 0; i < 4; i++) {
                            emit(Packets.inGop(sequence.getAndIncrement(), 3));
                        }
                    },
                    () -> joined.set(viewer(hub, Long.MAX_VALUE)));
            emit(Packets.inGop(sequence.getAndIncrement(), 3));
            TestSubscriber<EncodedPacket> viewer = joined.get();
            List<Long> got = sequences(viewer);
            assertThat(got).isNotEmpty();
            assertThat(viewer.getReceivedOnNext().get(0).keyframe()).isTrue();
            assertThat(got).as("round %d", round).isEqualTo(range(got.get(0), sequence.get()));
            viewer.cancel();
        }
        assertThat(hub.viewers()).isZero();
    }

    /** How many frames the source made from {@code joinedAt} (its next sequence) to the viewer's first packet. */
    private static long framesBeforeFirstPacket(TestSubscriber<EncodedPacket> viewer, long joinedAt) {
        EncodedPacket first = viewer.getReceivedOnNext().get(0);
        assertThat(first.keyframe()).as("the first packet is a keyframe").isTrue();
        return first.sequence() - joinedAt + 1;
    }

    @Test
    void theByteLimitMakesAViewerBehindAndAnOversizedKeyframeStillGetsIn() {
        StreamHub hub = connectedHub(new ViewerLimits(1000, 1000, Duration.ZERO));
        TestSubscriber<EncodedPacket> slow = viewer(hub, 0);
        emit(Packets.packet(0, true, 5000)); // bigger than the limit, into an empty queue
        emit(Packets.packet(1, false, 300)); // would pass 1000 bytes: behind
        int requestsBefore = keyframeRequests.get();
        assertThat(requestsBefore).isEqualTo(2); // on joining, on falling behind
        emit(Packets.packet(2, false, 300));
        emit(Packets.packet(3, true, 300));
        emit(Packets.packet(4, false, 300));
        emit(Packets.packet(5, false, 300));
        emit(Packets.packet(6, false, 300)); // 3 + 300 × 4 > 1000: behind again
        slow.request(Long.MAX_VALUE);
        assertThat(slow.getReceivedOnNext()).isEmpty();
        emit(Packets.packet(7, false, 300));
        emit(Packets.packet(8, true, 300));
        emit(Packets.packet(9, false, 300));
        assertThat(sequences(slow)).containsExactly(8L, 9L);
        // 0, 1, 2 (first time behind), 3, 4, 5, 6, 7 (second time)
        assertThat(viewerBehindDrops()).isEqualTo(8);
        assertThat(keyframeRequests).hasValue(3);
    }

    @Test
    void aFullViewerMeetingAKeyframeResumesRightThere() {
        StreamHub hub = connectedHub(new ViewerLimits(3, 1 << 20, Duration.ZERO));
        TestSubscriber<EncodedPacket> slow = viewer(hub, 0);
        for (long s = 0; s < 3; s++) {
            emit(Packets.packet(s, s == 0, 10));
        }
        emit(Packets.packet(3, true, 10)); // full, but a keyframe: the viewer starts over at it
        emit(Packets.packet(4, false, 10));
        slow.request(10);
        assertThat(sequences(slow)).containsExactly(3L, 4L);
        assertThat(viewerBehindDrops()).isEqualTo(3);
        assertThat(registry.get("scanout.viewer.skips").counter().count()).as("one skip to a keyframe").isEqualTo(1);
        assertThat(keyframeRequests).as("only the join's").hasValue(1);
    }

    @Test
    void completionReachesViewersAfterWhatWasQueued() {
        StreamHub hub = connectedHub(ViewerLimits.defaults());
        TestSubscriber<EncodedPacket> fast = viewer(hub, Long.MAX_VALUE);
        TestSubscriber<EncodedPacket> slow = viewer(hub, 0);
        emit(0);
        emit(1);
        source.tryEmitComplete();
        assertThat(fast.isTerminatedComplete()).isTrue();
        assertThat(sequences(fast)).containsExactly(0L, 1L);
        assertThat(slow.isTerminated()).isFalse();
        slow.request(1);
        assertThat(slow.isTerminated()).isFalse();
        slow.request(1);
        assertThat(slow.isTerminatedComplete()).isTrue();
        assertThat(sequences(slow)).containsExactly(0L, 1L);
        assertThat(hub.viewers()).isZero();
        assertThat(meters.viewers()).isZero();

        // Joining afterwards ends at once.
        StepVerifier.create(hub.join()).verifyComplete();
        assertThat(meters.viewers()).isZero();
    }

    @Test
    void anErrorReachesEveryViewerAndLateJoiners() {
        StreamHub hub = connectedHub(ViewerLimits.defaults());
        TestSubscriber<EncodedPacket> viewer = viewer(hub, Long.MAX_VALUE);
        emit(0);
        source.tryEmitError(new IllegalStateException("encoder died"));
        assertThat(viewer.isTerminatedError()).isTrue();
        assertThat(viewer.expectTerminalError()).hasMessage("encoder died");
        assertThat(sequences(viewer)).containsExactly(0L);
        StepVerifier.create(hub.join()).verifyErrorMessage("encoder died");
        assertThat(meters.viewers()).isZero();
    }

    @Test
    void cancelRemovesTheViewerAndTheOthersGoOn() {
        StreamHub hub = connectedHub(ViewerLimits.defaults());
        StepVerifier.create(hub.join())
                .then(() -> emit(0))
                .then(() -> emit(1))
                .expectNextMatches(p -> p.sequence() == 0)
                .expectNextMatches(p -> p.sequence() == 1)
                .then(() -> assertThat(hub.viewers()).isEqualTo(1))
                .thenCancel()
                .verify();
        assertThat(hub.viewers()).isZero();
        assertThat(meters.viewers()).isZero();
        assertThat(registry.get("scanout.viewers.joined").counter().count()).isEqualTo(1);
        TestSubscriber<EncodedPacket> next = viewer(hub, Long.MAX_VALUE);
        emit(Packets.packet(2, true, 10));
        assertThat(sequences(next)).as("the GOP of 0, then 2").containsExactly(0L, 1L, 2L);
    }

    @Test
    void disposingTheHubCancelsTheSourceAndCompletesViewers() {
        AtomicInteger cancelled = new AtomicInteger();
        StreamHub hub = hub(ViewerLimits.defaults());
        Disposable connection = hub.connect(source.asFlux().doOnCancel(cancelled::incrementAndGet));
        TestSubscriber<EncodedPacket> viewer = viewer(hub, Long.MAX_VALUE);
        connection.dispose();
        assertThat(cancelled).hasValue(1);
        assertThat(viewer.isTerminatedComplete()).isTrue();
        assertThat(hub.isDisposed()).isTrue();
        hub.dispose(); // idempotent
        assertThatThrownBy(() -> hub.connect(Flux.empty())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already connected");
    }

    @Test
    void theHubSubscribesOnceWithUnboundedDemandWhateverTheViewers() {
        AtomicInteger subscriptions = new AtomicInteger();
        List<Long> requests = new CopyOnWriteArrayList<>();
        StreamHub hub = hub(ViewerLimits.defaults());
        hub.connect(source.asFlux().doOnSubscribe(s -> subscriptions.incrementAndGet()).doOnRequest(requests::add));
        viewer(hub, 0);
        viewer(hub, 1);
        viewer(hub, Long.MAX_VALUE);
        emit(0);
        assertThat(subscriptions).hasValue(1);
        assertThat(requests).containsExactly(Long.MAX_VALUE);
    }

    @Test
    void aViewerThatThrowsIsRemovedAlone() {
        StreamHub hub = connectedHub(ViewerLimits.defaults());
        TestSubscriber<EncodedPacket> good = viewer(hub, Long.MAX_VALUE);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        hub.join().subscribe(p -> {
            throw new IllegalStateException("viewer bug");
        }, errors::add);
        emit(0);
        emit(1);
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessage("viewer bug"));
        assertThat(sequences(good)).containsExactly(0L, 1L);
        assertThat(hub.viewers()).isEqualTo(1);
    }

    @Test
    void aFailingKeyframeRequesterDoesNotHurtTheHub() {
        StreamHub hub = new StreamHub("test", ViewerLimits.defaults(), () -> {
            throw new IllegalStateException("encoder closed");
        }, meters, time, () -> time.now(TimeUnit.NANOSECONDS));
        hub.connect(source.asFlux());
        TestSubscriber<EncodedPacket> viewer = viewer(hub, Long.MAX_VALUE);
        emit(0);
        assertThat(sequences(viewer)).containsExactly(0L);
    }

    @Test
    void configIsTheLatestPacketsConfig() {
        StreamHub hub = connectedHub(ViewerLimits.defaults());
        assertThat(hub.config()).isEmpty();
        emit(0);
        assertThat(hub.config()).containsSame(Packets.CONFIG);
        CodecConfig bigger = new CodecConfig(Packets.CONFIG.codec(), "test-encoder", 1280, 720, 8, "avc1.42C01F",
                Packets.CONFIG.parameterSets());
        emit(Packets.packet(bigger, 1, true, 10));
        assertThat(hub.config()).containsSame(bigger);
    }

    @Test
    void cancelRacingPacketsNeitherThrowsNorLeavesTheViewerBehind() {
        StreamHub hub = connectedHub(new ViewerLimits(4, 1 << 20, Duration.ZERO));
        AtomicInteger sequence = new AtomicInteger();
        for (int round = 0; round < 2_000; round++) {
            TestSubscriber<EncodedPacket> viewer = viewer(hub, round % 2 == 0 ? Long.MAX_VALUE : 1);
            RaceTestUtils.race(
                    () -> {
                        for (int i = 0; i < 8; i++) {
                            emit(Packets.inGop(sequence.getAndIncrement(), 4));
                        }
                    },
                    viewer::cancel);
            assertThat(viewer.getProtocolErrors()).isEmpty();
        }
        assertThat(hub.viewers()).isZero();
        assertThat(meters.viewers()).isZero();
    }

    @Test
    void concurrentDemandNeverBreaksOrderAndEveryGapResumesAtAKeyframe() throws InterruptedException {
        StreamHub hub = connectedHub(new ViewerLimits(5, 1 << 20, Duration.ZERO));
        List<TestSubscriber<EncodedPacket>> viewers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            viewers.add(viewer(hub, i));
        }
        int total = 20_000;
        Thread producer = new Thread(() -> {
            for (long s = 0; s < total; s++) {
                emit(Packets.inGop(s, 10));
            }
            source.tryEmitComplete();
        });
        producer.start();
        while (producer.isAlive()) {
            for (TestSubscriber<EncodedPacket> v : viewers) {
                v.request(1 + viewers.indexOf(v));
            }
            Thread.onSpinWait();
        }
        producer.join();
        for (TestSubscriber<EncodedPacket> v : viewers) {
            v.request(Long.MAX_VALUE);
            assertThat(v.isTerminatedComplete()).isTrue();
            List<EncodedPacket> got = v.getReceivedOnNext();
            assertThat(got).isNotEmpty();
            assertThat(got.get(0).keyframe()).isTrue();
            for (int i = 1; i < got.size(); i++) {
                EncodedPacket prev = got.get(i - 1);
                EncodedPacket p = got.get(i);
                assertThat(p.sequence()).isGreaterThan(prev.sequence());
                if (p.sequence() != prev.sequence() + 1) {
                    assertThat(p.keyframe()).as("packet %d after a gap from %d; around: %s; errors %s", p.sequence(),
                                    prev.sequence(), got.subList(Math.max(0, i - 12), Math.min(got.size(), i + 5)),
                                    v.getProtocolErrors())
                            .isTrue();
                }
            }
        }
    }
}
