package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import io.scanout.core.input.InputSink;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The source against a scripted server: events, damage, pacing, resize, cursor, input, cancel. */
class RfbSourceTest {
    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");

    @AfterEach
    void noLeaks() {
        Await.noLeaksThenClose(pool);
    }

    static int rgb(Frame frame, int x, int y) {
        return frame.buffer().getInt(y * frame.layout().stride(0) + x * 4) & 0xffffff;
    }

    /** Answers every request with one Raw rectangle: pixel (n, 0) of colour n+1 for the n-th request. */
    private static FakeRfbServer.Script countingServer(List<FakeRfbServer.Message> requests) {
        return c -> {
            c.handshake(8, 2);
            c.setup();
            for (int n = 0; ; n++) {
                requests.add(c.until(3));
                if (n == 0) {
                    Wire full = new Wire().update(1).rect(0, 0, 8, 2, Encodings.RAW);
                    for (int i = 0; i < 16; i++) {
                        full.pixel(0x101010);
                    }
                    c.send(full);
                } else {
                    c.send(new Wire().update(1).rect(n % 8, 1, 1, 1, Encodings.RAW).pixel(n + 1));
                }
            }
        };
    }

    @Test
    void eachUpdateIsAnEventWithExactlyTheServersRectangles() throws Exception {
        List<FakeRfbServer.Message> requests = new CopyOnWriteArrayList<>();
        try (FakeRfbServer server = new FakeRfbServer(countingServer(requests))) {
            RfbSource source = RfbSource.open(server.settings(), pool, meters);
            List<FrameEvent> held = new CopyOnWriteArrayList<>();
            StepVerifier.create(source.frames().take(3))
                    .consumeNextWith(held::add)
                    .consumeNextWith(held::add)
                    .consumeNextWith(held::add)
                    .verifyComplete();
            try {
                FrameEvent first = held.get(0);
                assertThat(first.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 8, 2));
                assertThat(first.damage().isWhole()).isTrue();
                assertThat(first.sequence()).isZero();
                assertThat(held.get(1).damage().rectangles()).containsExactly(new Rect(1, 1, 1, 1));
                assertThat(held.get(1).formatChange()).isEmpty();
                assertThat(held.get(2).damage().rectangles()).containsExactly(new Rect(2, 1, 1, 1));
                assertThat(held.get(2).sequence()).isEqualTo(2);
                // Each event is its own copy: later updates did not touch the earlier frames.
                assertThat(rgb(first.frame(), 1, 1)).isEqualTo(0x101010);
                assertThat(rgb(held.get(1).frame(), 1, 1)).isEqualTo(2);
                assertThat(rgb(held.get(1).frame(), 2, 1)).isEqualTo(0x101010);
                assertThat(rgb(held.get(2).frame(), 2, 1)).isEqualTo(3);
                assertThat(rgb(held.get(2).frame(), 1, 1)).isEqualTo(2);
            } finally {
                held.forEach(FrameEvent::release);
            }
            assertThat(requests.get(0).field(0)).as("first request is not incremental").isZero();
            assertThat(requests.get(1).field(0)).as("later requests are incremental").isOne();
            assertThat(requests.get(0).fields()).containsExactly(0, 0, 0, 8, 2);
            assertThat(registry.get("scanout.frames.captured").counter().count()).isEqualTo(3);
            assertThat(server.failures).isEmpty();
        }
    }

    @Test
    void requestsFollowDemandAndTheFrameRate() throws Exception {
        List<FakeRfbServer.Message> requests = new CopyOnWriteArrayList<>();
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        FakeRfbServer.Script counting = countingServer(requests);
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.listener = m -> {
                if (m.type() == 3) {
                    arrivals.add(System.nanoTime());
                }
            };
            counting.run(c);
        })) {
            RfbSource source = RfbSource.open(server.settings().withFps(5), pool, meters);
            StepVerifier.create(source.frames().doOnNext(FrameEvent::release), 2)
                    .expectNextCount(2)
                    .then(() -> Await.sleep(600))
                    // Two asked for, two requests sent: nothing more while there is no demand.
                    .then(() -> assertThat(requests).hasSize(2))
                    .thenRequest(2)
                    .expectNextCount(2)
                    .thenCancel()
                    .verify(Duration.ofSeconds(20));
            assertThat(requests).hasSize(4);
            Long previous = null;
            for (Long arrival : arrivals) {
                if (previous != null) {
                    // At 5 fps a request follows the one before by 200 ms at the least (less 50 for timer slack).
                    assertThat(arrival - previous).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
                }
                previous = arrival;
            }
        }
    }

    @Test
    void aResizeIsAFormatChangeAndTheNextRequestAsksForEverything() throws Exception {
        List<FakeRfbServer.Message> requests = new CopyOnWriteArrayList<>();
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.handshake(4, 4);
            FakeRfbServer.Message encodings = c.setup();
            assertThat(encodings.fields()).contains(Encodings.DESKTOP_SIZE, Encodings.EXTENDED_DESKTOP_SIZE,
                    Encodings.LAST_RECT).doesNotContain(Encodings.CURSOR);
            requests.add(c.until(3));
            c.send(new Wire().update(1).rect(0, 0, 4, 4, Encodings.RRE).u32(0).pixel(0xff0000));
            requests.add(c.until(3));
            c.send(new Wire().update(1).rect(0, 0, 6, 3, Encodings.DESKTOP_SIZE));
            requests.add(c.until(3));
            c.send(new Wire().update(1).rect(0, 0, 6, 3, Encodings.RRE).u32(0).pixel(0x00ff00));
            c.drain();
        })) {
            RfbSource source = RfbSource.open(server.settings(), pool, meters);
            StepVerifier.create(source.frames().take(3))
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 4, 4));
                        assertThat(rgb(e.frame(), 3, 3)).isEqualTo(0xff0000);
                        e.release();
                    })
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 6, 3));
                        assertThat(e.damage().isWhole()).isTrue();
                        assertThat(e.frame().width()).isEqualTo(6);
                        e.release();
                    })
                    .assertNext(e -> {
                        assertThat(e.formatChange()).isEmpty();
                        assertThat(e.damage().rectangles()).containsExactly(new Rect(0, 0, 6, 3));
                        assertThat(rgb(e.frame(), 5, 2)).isEqualTo(0x00ff00);
                        e.release();
                    })
                    .verifyComplete();
            assertThat(requests.get(2).fields()).containsExactly(0, 0, 0, 6, 3);
            // The source reports the change in the event; the server's pipeline counts it, once.
            assertThat(registry.get("scanout.format.changes").counter().count()).isZero();
            assertThat(server.failures).isEmpty();
        }
    }

    @Test
    void theCursorComesAsItsOwnEvent() throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.handshake(8, 8);
            FakeRfbServer.Message encodings = c.setup();
            assertThat(encodings.fields()).contains(Encodings.CURSOR);
            c.until(3);
            c.send(new Wire().update(2).rect(0, 0, 8, 8, Encodings.RRE).u32(0).pixel(0x0000ff)
                    .rect(1, 1, 2, 2, Encodings.CURSOR).pixel(0xffffff).pixel(0).pixel(0).pixel(0xffffff)
                    .u8(0b10000000).u8(0b11000000));
            c.drain();
        })) {
            RfbSource source = RfbSource.open(server.settings().withCursor(true), pool, meters);
            List<CursorImage> cursors = new CopyOnWriteArrayList<>();
            Disposable watching = source.cursorImages().subscribe(cursors::add);
            StepVerifier.create(source.frames().take(1))
                    .assertNext(e -> {
                        assertThat(e.damage().isWhole()).isTrue();
                        assertThat(rgb(e.frame(), 1, 1)).isEqualTo(0x0000ff);
                        e.release();
                    })
                    .verifyComplete();
            watching.dispose();
            assertThat(cursors).hasSize(1);
            assertThat(cursors.get(0).argb()).containsExactly(0xffffffff, 0x00000000, 0xff000000, 0xffffffff);
            assertThat(cursors.get(0).hotspotX()).isEqualTo(1);
            // A late subscriber gets the current shape.
            assertThat(source.cursorImages().blockFirst(Duration.ofSeconds(1))).isSameAs(cursors.get(0));
        }
    }

    @Test
    void pointerAndKeyEventsReachTheServer() throws Exception {
        BlockingQueue<FakeRfbServer.Message> input = new LinkedBlockingQueue<>();
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.handshake(8, 8);
            c.setup();
            c.until(3);
            c.send(new Wire().update(1).rect(0, 0, 8, 8, Encodings.RRE).u32(0).pixel(0));
            while (true) {
                FakeRfbServer.Message m = c.next();
                if (m.type() == 4 || m.type() == 5) {
                    input.add(m);
                }
            }
        })) {
            RfbSource source = RfbSource.open(server.settings(), pool, meters);
            assertThat(source.input().orElseThrow().pointer(1, 2, InputSink.BUTTON_LEFT)).as("no connection yet").isFalse();
            StepVerifier.create(source.frames(), 1)
                    .consumeNextWith(FrameEvent::release)
                    .then(() -> {
                        assertThat(source.input().orElseThrow().pointer(300, 7, InputSink.BUTTON_LEFT | InputSink.BUTTON_RIGHT))
                                .isTrue();
                        assertThat(source.input().orElseThrow().key(0xff0d, true)).isTrue();
                        assertThat(source.input().orElseThrow().key(0xff0d, false)).isTrue();
                    })
                    .then(() -> {
                        FakeRfbServer.Message pointer = poll(input);
                        assertThat(pointer.type()).isEqualTo(5);
                        assertThat(pointer.fields()).containsExactly(5, 300, 7);
                        assertThat(poll(input).fields()).containsExactly(1, 0xff0d);
                        assertThat(poll(input).fields()).containsExactly(0, 0xff0d);
                    })
                    .thenCancel()
                    .verify(Duration.ofSeconds(20));
            Await.until(() -> !source.input().orElseThrow().pointer(0, 0, 0), () -> "input still accepted after cancel");
        }
    }

    private static FakeRfbServer.Message poll(BlockingQueue<FakeRfbServer.Message> queue) {
        try {
            FakeRfbServer.Message m = queue.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("an input message within 10 s").isNotNull();
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void cancelWhileWaitingForAnUpdateClosesEverything() throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.handshake(8, 8);
            c.setup();
            c.until(3);
            c.send(new Wire().update(1).rect(0, 0, 8, 8, Encodings.RRE).u32(0).pixel(0));
            // A still screen: the next request is never answered.
            c.drain();
        })) {
            RfbSource source = RfbSource.open(server.settings(), pool, meters);
            for (int i = 0; i < 5; i++) {
                StepVerifier.create(source.frames())
                        .consumeNextWith(FrameEvent::release)
                        .expectNoEvent(Duration.ofMillis(150))
                        .thenCancel()
                        .verify(Duration.ofSeconds(10));
            }
            Await.threadsGone("scanout-rfb-");
            assertThat(pool.stats().acquired()).isEqualTo(10);   // 5 framebuffers, 5 emitted copies
        }
    }

    @Test
    void cancelRacingEmissionLeaksNothing() throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(countingServer(new CopyOnWriteArrayList<>()))) {
            RfbSource source = RfbSource.open(server.settings().withFps(240), pool, meters);
            for (int i = 0; i < 20; i++) {
                Disposable running = source.frames().subscribe(FrameEvent::release);
                Await.sleep(i % 7 * 5);
                running.dispose();
            }
        }
    }
}
