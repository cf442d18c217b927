package io.scanout.transport.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.rfb.RfbSettings;
import io.scanout.capture.rfb.RfbSource;
import io.scanout.core.Damage;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.HttpTransport;
import io.scanout.transport.StreamDirectory;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.security.ConnectionLimits;
import io.scanout.transport.security.SecuritySettings;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pixel clients (Raw, ZRLE) of a stream whose pictures are dma-bufs: they see the right pixels,
 * each picture is copied to the CPU once however many clients send it, and every dma-buf and copy
 * is released. The dma-bufs are memfds ({@link MemfdDmaBufEndpoint}: no udmabuf or dma-heap here).
 */
class RfbDmaBufTest {
    private static final int WIDTH = RfbServerTest.WIDTH;
    private static final int HEIGHT = RfbServerTest.HEIGHT;

    private final SyntheticEndpoint synthetic = new SyntheticEndpoint("gpu", WIDTH, HEIGHT, 20, DrmFormat.XR24);
    private final FramePool clientPool = new FramePool();
    /** The server's dma-buf copies, the test's to close, so it can look into them. */
    private final RfbDmaBufCopies copies = new RfbDmaBufCopies();
    private MemfdDmaBufEndpoint stream;
    private RfbServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        synthetic.close();
        RfbServerTest.await(() -> stream == null || stream.allClosed(), "dma-bufs still open");
        RfbServerTest.await(() -> copies.streamsHeld() == 0, "CPU copies of dma-bufs still held");
        copies.close();
        RfbServerTest.await(() -> synthetic.pool.stats().outstanding() == 0, "frames still held: " + synthetic.pool.stats());
        clientPool.close();
    }

    private void serve(MemfdDmaBufEndpoint endpoint) {
        stream = endpoint;
        SecuritySettings defaults = SecuritySettings.open();
        server = RfbServer.start("127.0.0.1", 0, () -> Optional.<StreamEndpoint>of(endpoint), RfbSecurity.loopbackOnly(),
                new ConnectionLimits(defaults.maxConnectionsPerClient(), defaults.maxConnections()), copies);
    }

    /** Our VNC client's picture after a series of incremental updates is exactly one pattern frame. */
    @ParameterizedTest
    @ValueSource(strings = {"raw", "zrle"})
    void clientsOfDmaBufPicturesSeeTheExactPattern(String encoding) {
        serve(MemfdDmaBufEndpoint.continuous(synthetic));
        RfbSource client = RfbSource.open(RfbSettings.of("127.0.0.1", server.port()).withEncodings(encoding).withFps(30),
                clientPool, StreamMeters.noop());
        RfbServerTest.assertMatchesAPatternFrameOf(synthetic, client);
    }

    /** Two clients sent the same dma-buf picture: one CPU copy, the right pixels to both. */
    @Test
    void onePictureIsCopiedOnceForEveryClient() throws Exception {
        MemfdDmaBufEndpoint endpoint = MemfdDmaBufEndpoint.manual(synthetic);
        serve(endpoint);
        DmaBufPictures shared = copies.join(endpoint); // held by the test too, to read its counts
        try (RawRfbClient a = new RawRfbClient("127.0.0.1", server.port());
             RawRfbClient b = new RawRfbClient("127.0.0.1", server.port())) {
            for (RawRfbClient c : List.of(a, b)) {
                c.connectWithNone();
                c.setEncodings(0);
                c.request(false, 0, 0, WIDTH, HEIGHT);
            }
            RfbServerTest.await(() -> endpoint.subscribers() == 2, "clients subscribed: " + endpoint.subscribers());
            for (long index : new long[] {5, 6}) {
                endpoint.emit(index);
                for (RawRfbClient c : List.of(a, b)) {
                    List<RawRfbClient.Rectangle> update = c.readUpdate(4);
                    assertThat(update).hasSize(1);
                    assertThat(rgb(update.get(0))).as("picture %d", index).isEqualTo(synthetic.expected(index));
                    c.request(true, 0, 0, WIDTH, HEIGHT);
                }
                assertThat(shared.poolStats().acquired()).as("CPU copies after picture %d", index)
                        .isEqualTo(index - 4);
            }
        } finally {
            shared.leave();
        }
        RfbServerTest.await(() -> shared.poolStats().outstanding() == 0, "copies held: " + shared.poolStats());
        RfbServerTest.await(() -> shared.poolStats().freed() == shared.poolStats().allocated(),
                "copy memory not freed: " + shared.poolStats());
    }

    /**
     * A TCP client and a WebSocket client of one stream, their endpoints given the same copies: the
     * WebSocket client's picture is copied there, and then one copy per picture serves both.
     */
    @Test
    void tcpAndWebSocketClientsOfOneStreamShareOneCopy() throws Exception {
        MemfdDmaBufEndpoint endpoint = MemfdDmaBufEndpoint.manual(synthetic);
        serve(endpoint);
        DmaBufPictures shared = copies.join(endpoint); // held by the test too, to read its counts
        try (HttpTransport.Running http = HttpTransport.builder()
                     .bind("127.0.0.1", 0)
                     .directory(StreamDirectory.of("gpu", endpoint))
                     .streamHandler("/rfb", new RfbWebSocketHandler(RfbSecurity.loopbackOnly(), copies))
                     .build()
                     .start();
             WebSocketBridge bridge = new WebSocketBridge(URI.create("ws://127.0.0.1:" + http.port() + "/streams/gpu/rfb"));
             RawRfbClient webSocket = new RawRfbClient("127.0.0.1", bridge.port());
             RawRfbClient tcp = new RawRfbClient("127.0.0.1", server.port())) {
            webSocket.connectWithNone();
            webSocket.setEncodings(0);
            webSocket.request(false, 0, 0, WIDTH, HEIGHT);
            RfbServerTest.await(() -> endpoint.subscribers() == 1, "WebSocket client subscribed");
            endpoint.emit(7);
            assertThat(rgb(webSocket.readUpdate(4).get(0))).isEqualTo(synthetic.expected(7));
            assertThat(shared.poolStats().acquired()).as("CPU copies made for the WebSocket client").isOne();
            webSocket.request(true, 0, 0, WIDTH, HEIGHT);

            tcp.connectWithNone();
            tcp.setEncodings(0);
            tcp.request(false, 0, 0, WIDTH, HEIGHT);
            RfbServerTest.await(() -> endpoint.subscribers() == 2, "clients subscribed: " + endpoint.subscribers());
            endpoint.emit(8);
            for (RawRfbClient c : List.of(tcp, webSocket)) {
                List<RawRfbClient.Rectangle> update = c.readUpdate(4);
                assertThat(update).hasSize(1);
                assertThat(rgb(update.get(0))).isEqualTo(synthetic.expected(8));
            }
            assertThat(shared.poolStats().acquired()).as("CPU copies once the next picture went over TCP and WebSocket")
                    .isEqualTo(2);
        } finally {
            shared.leave();
        }
    }

    /** Dma-bufs that an RFB client cannot be sent. */
    enum Unreadable {
        /** Linear, but in a format the server has no reader for. */
        NV12_LINEAR(DrmFormat.NV12, DmaBuf.MODIFIER_LINEAR),
        /** A format the server reads, but tiled: the CPU cannot read it row by row. */
        XR24_Y_TILED(DrmFormat.XR24, 0x0100000000000002L); // I915_FORMAT_MOD_Y_TILED

        final DrmFormat format;
        final long modifier;

        Unreadable(DrmFormat format, long modifier) {
            this.format = format;
            this.modifier = modifier;
        }
    }

    /** A dma-buf the server cannot read ends that client with a reason; nothing leaks. */
    @ParameterizedTest
    @EnumSource(Unreadable.class)
    void aDmaBufRfbCannotReadClosesTheClient(Unreadable unreadable) throws Exception {
        MemfdDmaBufEndpoint endpoint = MemfdDmaBufEndpoint.manual(synthetic);
        serve(endpoint);
        try (RawRfbClient c = new RawRfbClient("127.0.0.1", server.port())) {
            c.connectWithNone();
            c.setEncodings(0);
            c.request(false, 0, 0, WIDTH, HEIGHT);
            RfbServerTest.await(() -> endpoint.subscribers() == 1, "client subscribed");
            PlaneLayout layout = PlaneLayout.packed(unreadable.format, WIDTH, HEIGHT);
            endpoint.emit(new FrameEvent(endpoint.toDmaBuf(layout, ByteBuffer.allocateDirect(
                    Math.toIntExact(layout.requiredBytes())), unreadable.modifier), Damage.whole(), 1, System.nanoTime(),
                    Optional.empty()));
            assertThat(c.closedByServer()).isTrue();
        }
    }

    private static int[] rgb(RawRfbClient.Rectangle r) {
        assertThat(r.encoding()).isZero();
        assertThat(r.width() * r.height()).isEqualTo(WIDTH * HEIGHT);
        ByteBuffer b = ByteBuffer.wrap(r.raw()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int[] rgb = new int[WIDTH * HEIGHT];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = b.getInt(4 * i) & 0xffffff;
        }
        return rgb;
    }
}
