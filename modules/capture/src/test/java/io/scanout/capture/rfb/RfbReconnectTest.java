package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A broken or hostile connection ends with a clear message and a new connection; the flux stays up. */
class RfbReconnectTest {
    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");

    @AfterEach
    void noLeaks() {
        Await.noLeaksThenClose(pool);
    }

    /** First connection: one good update, then {@code then}; later connections: one good update of another colour. */
    private static FakeRfbServer servers(Wire then) {
        try {
            return new FakeRfbServer(
                    c -> {
                        c.handshake(4, 2);
                        c.setup();
                        c.until(3);
                        c.send(new Wire().update(1).rect(0, 0, 4, 2, Encodings.RRE).u32(0).pixel(0x111111));
                        c.until(3);
                        c.send(then);
                        // ...and hangs up, which only a truncated message leaves for the client to notice.
                    },
                    c -> {
                        c.handshake(4, 2);
                        c.setup();
                        c.until(3);
                        c.send(new Wire().update(1).rect(0, 0, 4, 2, Encodings.RRE).u32(0).pixel(0x222222));
                        c.drain();
                    });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void assertReconnectsAfter(Wire then, String logged) throws Exception {
        try (LogCapture log = new LogCapture(RfbSession.class); FakeRfbServer server = servers(then)) {
            StepVerifier.create(RfbSource.open(server.settings(), pool, meters).frames().take(2))
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 4, 2));
                        assertThat(RfbSourceTest.rgb(e.frame(), 3, 1)).isEqualTo(0x111111);
                        e.release();
                    })
                    .assertNext(e -> {
                        // Same size after the reconnect: no format change, but everything is new.
                        assertThat(e.formatChange()).isEmpty();
                        assertThat(e.damage().isWhole()).isTrue();
                        assertThat(RfbSourceTest.rgb(e.frame(), 3, 1)).isEqualTo(0x222222);
                        e.release();
                    })
                    .verifyComplete();
            assertThat(server.connections()).isEqualTo(2);
            assertThat(registry.get("scanout.source.reconnects").tag("stream", "test").counter().count()).isOne();
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains(logged));
            assertThat(server.failures).isEmpty();
        }
    }

    @Test
    void unknownMessageType() throws Exception {
        assertReconnectsAfter(new Wire().u8(99), "connection lost (the server sent message type 99, which RFC 6143"
                + " does not define for a client that asked for no extensions); reconnecting in 250 ms");
    }

    @Test
    void truncatedUpdate() throws Exception {
        // Half a rectangle, then the server hangs up.
        assertReconnectsAfter(new Wire().update(1).rect(0, 0, 4, 2, Encodings.RAW).pixel(1).pixel(2),
                "the server closed the connection in the middle of a FramebufferUpdate, in rectangle 1 of 1"
                        + " (Raw 0,0 4x2)");
    }

    @Test
    void rectangleOutsideTheFramebuffer() throws Exception {
        assertReconnectsAfter(new Wire().update(1).rect(3, 0, 2, 1, Encodings.RAW),
                "rectangle 1 of 1 (Raw 3,0 2x1) at 3,0 2x1 lies outside the 4x2 framebuffer");
    }

    @Test
    void hugeLengths() throws Exception {
        assertReconnectsAfter(new Wire().u8(3).u8(0).u16(0).u32(0x7fffffff),
                "ServerCutText of 2147483647 bytes is past the 16777216 this client skips");
    }

    @Test
    void corruptZlib() throws Exception {
        assertReconnectsAfter(new Wire().update(1).rect(0, 0, 4, 2, Encodings.ZRLE).u32(4)
                .bytes(new byte[] {0x78, (byte) 0x9c, (byte) 0xff, (byte) 0xff}),
                "the ZRLE zlib stream is corrupt");
    }

    @Test
    void aServerThatStallsInTheMiddleOfAMessageTimesOut() throws Exception {
        try (LogCapture log = new LogCapture(RfbSession.class);
             FakeRfbServer server = new FakeRfbServer(c -> {
                 c.handshake(4, 2);
                 c.setup();
                 c.until(3);
                 c.send(new Wire().update(1).rect(0, 0, 4, 2, Encodings.RAW).pixel(0));
                 c.drain();
             })) {
            RfbSettings settings = server.settings().withTimeoutMillis(1000);
            StepVerifier.create(RfbSource.open(settings, pool, meters).frames())
                    .then(() -> Await.until(() -> server.connections() >= 2, () -> "no reconnect after a stall"))
                    .thenCancel()
                    .verify(Duration.ofSeconds(20));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("the server sent nothing for 1000 ms in"
                    + " the middle of a FramebufferUpdate, in rectangle 1 of 1 (Raw 0,0 4x2)"));
        }
    }

    @Test
    void aServerThatIsNotThereYetIsTriedWithBackoff() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (LogCapture log = new LogCapture(RfbSession.class)) {
            RfbSettings settings = RfbSettings.of("127.0.0.1", port).withTimeoutMillis(1000);
            StepVerifier.create(RfbSource.open(settings, pool, meters).frames())
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(1000))
                    // 250 + 500 ms of backoff fit in a second: at most three attempts, not a busy loop.
                    .then(() -> assertThat(registry.get("scanout.source.reconnects").counter().count())
                            .isLessThanOrEqualTo(3.0))
                    .then(() -> Await.until(() -> registry.get("scanout.source.reconnects").counter().count() >= 2,
                            () -> "fewer than two attempts"))
                    .thenCancel()
                    .verify(Duration.ofSeconds(30));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("reconnecting in 250 ms"));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("reconnecting in 500 ms"));
        }
    }

    @Test
    void aServerThatHangsUpOnSetPixelFormatGetsItsOwnFormat() throws Exception {
        PixelFormat rgbx = new PixelFormat(32, 24, false, true, 255, 255, 255, 0, 8, 16);
        try (LogCapture log = new LogCapture(RfbSession.class);
             FakeRfbServer server = new FakeRfbServer(
                     c -> {
                         c.version("RFB 003.008");
                         c.send(new Wire().u8(1).u8(1));
                         c.in.readUnsignedByte();
                         c.send(new Wire().u32(0));
                         c.in.readUnsignedByte();
                         c.serverInit(2, 1, rgbx, "picky");
                         FakeRfbServer.Connection.expect(c.next().type(), 0, "SetPixelFormat");
                     },
                     c -> {
                         c.version("RFB 003.008");
                         c.send(new Wire().u8(1).u8(1));
                         c.in.readUnsignedByte();
                         c.send(new Wire().u32(0));
                         c.in.readUnsignedByte();
                         c.serverInit(2, 1, rgbx, "picky");
                         FakeRfbServer.Connection.expect(c.next().type(), 2, "SetEncodings, with no SetPixelFormat");
                         c.until(3);
                         // R, G, B, X in memory: XB24.
                         c.send(new Wire().update(1).rect(0, 0, 2, 1, Encodings.RAW)
                                 .u8(0x12).u8(0x34).u8(0x56).u8(0).u8(0xff).u8(0).u8(0).u8(0));
                         c.drain();
                     })) {
            StepVerifier.create(RfbSource.open(server.settings(), pool, meters).frames().take(1))
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XB24, 2, 1));
                        assertThat(e.frame().buffer().getInt(0) & 0xffffff).isEqualTo(0x563412);
                        e.release();
                    })
                    .verifyComplete();
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("the next connection keeps its own"
                    + " format (32bpp depth 24 little-endian true-colour max 255/255/255 shift 0/8/16)"));
            assertThat(server.failures).isEmpty();
        }
    }

    @Test
    void aServerFormatWithoutADrmFourccIsAnErrorWhenAskedToKeepIt() throws Exception {
        PixelFormat bgr233 = new PixelFormat(8, 8, false, true, 7, 7, 3, 0, 3, 6);
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.version("RFB 003.008");
            c.send(new Wire().u8(1).u8(1));
            c.in.readUnsignedByte();
            c.send(new Wire().u32(0));
            c.in.readUnsignedByte();
            c.serverInit(2, 1, bgr233, "8-bit");
            c.drain();
        })) {
            StepVerifier.create(RfbSource.open(server.settings().withServerFormat(true), pool, meters).frames())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RfbProtocolException.class)
                            .hasMessage("the server's pixel format (8bpp depth 8 little-endian true-colour max 7/7/3"
                                    + " shift 0/3/6) has no DRM fourcc this client stores; use format=bgrx"))
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void unrequestedUpdatesAreEventsOfTheirOwn() throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.handshake(4, 2);
            c.setup();
            c.until(3);
            c.send(new Wire().update(1).rect(0, 0, 4, 2, Encodings.RRE).u32(0).pixel(0));
            // Two updates nobody asked for, then the answer to the next request.
            c.send(new Wire().update(1).rect(0, 0, 1, 1, Encodings.RAW).pixel(1));
            c.send(new Wire().update(1).rect(3, 1, 1, 1, Encodings.RAW).pixel(2));
            c.until(3);
            c.send(new Wire().update(1).rect(1, 0, 1, 1, Encodings.RAW).pixel(3));
            c.drain();
        })) {
            StepVerifier.create(RfbSource.open(server.settings(), pool, meters).frames(), 1)
                    .consumeNextWith(FrameEvent::release)
                    .then(() -> Await.sleep(300))
                    .thenRequest(3)
                    .assertNext(e -> {
                        assertThat(e.sequence()).isEqualTo(1);
                        assertThat(e.damage().rectangles()).containsExactly(new Rect(0, 0, 1, 1));
                        e.release();
                    })
                    .assertNext(e -> {
                        assertThat(e.sequence()).isEqualTo(2);
                        assertThat(e.damage().rectangles()).containsExactly(new Rect(3, 1, 1, 1));
                        e.release();
                    })
                    .assertNext(e -> {
                        assertThat(e.sequence()).isEqualTo(3);
                        assertThat(e.damage().rectangles()).containsExactly(new Rect(1, 0, 1, 1));
                        assertThat(RfbSourceTest.rgb(e.frame(), 0, 0)).isEqualTo(1);
                        assertThat(RfbSourceTest.rgb(e.frame(), 3, 1)).isEqualTo(2);
                        assertThat(RfbSourceTest.rgb(e.frame(), 1, 0)).isEqualTo(3);
                        e.release();
                    })
                    .thenCancel()
                    .verify(Duration.ofSeconds(20));
        }
    }
}
