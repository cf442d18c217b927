package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.ws.ViewerMessage;
import io.scanout.transport.ws.ViewerMessages;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.util.function.Tuple2;

class HttpTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int GOP = 10;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "main");
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final ObjectMapper json = new ObjectMapper();
    private StreamHub hub;
    private HttpTransport.Running server;

    /** A stream as the server module would list it. */
    private record Endpoint(StreamHub hub, StreamInfo info) implements StreamEndpoint {
    }

    @BeforeEach
    void start() {
        hub = new StreamHub("main", ViewerLimits.defaults(), () -> { }, meters);
        restartServerFor(hub);
    }

    private void restartServerFor(StreamHub hub) {
        if (server != null) {
            server.close();
        }
        StreamInfo info = new StreamInfo("main", "synthetic:640x360@30", 640, 360, "XR24", "h264", "test-encoder", 0,
                30.0, "running");
        server = HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .directory(StreamDirectory.of("main", new Endpoint(hub, info)))
                .metrics(() -> "# TYPE scanout_viewers gauge\nscanout_viewers{stream=\"main\"} 0\n")
                .health(healthy::get)
                .streamHandler(".txt", (req, res, stream) -> res.sendString(Mono.just("text of " + stream.info().id())))
                .streamHandler("/echo", (req, res, stream) -> res.sendString(Mono.just("echo of " + stream.info().id())))
                .build()
                .start();
    }

    @Test
    void streamHandlersServeTheirSuffixOnKnownStreamsOnly() {
        assertThat(get("/streams/main.txt").getT2()).endsWith("\ntext of main");
        assertThat(get("/streams/main/echo").getT2()).endsWith("\necho of main");
        assertThat(get("/streams/other.txt").getT1()).isEqualTo(404);
        assertThat(get("/streams/main/other").getT1()).isEqualTo(404);
        assertThat(get("/streams/main.other").getT1()).isEqualTo(404);
        assertThat(get("/streams/main/..%2F..%2Fetc%2Fpasswd").getT1()).isEqualTo(404);
    }

    @Test
    void handlerSuffixesAreAnExtensionOrOneSegment() {
        HttpTransport.Builder builder = HttpTransport.builder();
        StreamHandler handler = (req, res, stream) -> res.send();
        assertThatThrownBy(() -> builder.streamHandler("ts", handler)).hasMessageContaining("'ts'");
        assertThatThrownBy(() -> builder.streamHandler("/a/b", handler)).hasMessageContaining("'/a/b'");
        builder.streamHandler(".ts", handler);
        assertThatThrownBy(() -> builder.streamHandler(".ts", handler)).hasMessageContaining("'.ts'");
    }

    @AfterEach
    void stop() {
        server.close();
        hub.dispose();
    }

    /** Packets every 5 ms, a keyframe every {@value GOP}. */
    private void feedForever() {
        hub.connect(Flux.interval(Duration.ofMillis(5)).onBackpressureDrop().map(i -> Packets.inGop(i, GOP)));
    }

    private HttpClient.WebsocketSender websocket(String path) {
        return HttpClient.create()
                .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
                .uri("ws://127.0.0.1:" + server.port() + path);
    }

    private static ViewerMessage decode(byte[] message) {
        return ViewerMessages.decode(ByteBuffer.wrap(message));
    }

    private static WebSocketFrame binary(ByteBuffer message) {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message));
    }

    /** Messages from /streams/main until {@code packets} packets came. */
    private List<ViewerMessage> watch(int packets, List<WebSocketFrame> toSend) {
        return websocket("/streams/main")
                .handle((in, out) -> out.sendObject(Flux.fromIterable(toSend)).then()
                        .thenMany(in.receive().asByteArray()))
                .map(HttpTransportTest::decode)
                .takeUntil(countPackets(packets))
                .collectList()
                .block(TIMEOUT);
    }

    private static Predicate<ViewerMessage> countPackets(int packets) {
        int[] seen = {0};
        return m -> m instanceof ViewerMessage.Packet && ++seen[0] >= packets;
    }

    private static List<ViewerMessage.Packet> packets(List<ViewerMessage> messages) {
        List<ViewerMessage.Packet> out = new ArrayList<>();
        for (ViewerMessage m : messages) {
            if (m instanceof ViewerMessage.Packet p) {
                out.add(p);
            }
        }
        return out;
    }

    private static void assertContiguousFromAKeyframe(List<ViewerMessage.Packet> packets) {
        assertThat(packets).isNotEmpty();
        assertThat(packets.get(0).keyframe()).isTrue();
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).sequence()).isEqualTo(packets.get(i - 1).sequence() + 1);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void aViewerGetsConfigThenPacketsFromAKeyframe() {
        feedForever();
        long before = Instant.now().toEpochMilli() * 1000;
        List<ViewerMessage> messages = watch(25, List.of());
        long after = Instant.now().toEpochMilli() * 1000;

        assertThat(messages.get(0)).isEqualTo(new ViewerMessage.Config(Packets.CONFIG));
        assertThat(messages.subList(1, messages.size())).allMatch(m -> m instanceof ViewerMessage.Packet);
        List<ViewerMessage.Packet> packets = packets(messages);
        assertContiguousFromAKeyframe(packets);
        for (ViewerMessage.Packet p : packets) {
            EncodedPacket sent = Packets.inGop(p.sequence(), GOP);
            assertThat(bytes(p.payload())).isEqualTo(sent.bytes());
            assertThat(p.keyframe()).isEqualTo(sent.keyframe());
            assertThat(p.ptsMicros()).isEqualTo(sent.ptsMicros());
            // Capture and send times are the server's wall clock; the packet was made during the test.
            assertThat(p.captureEpochMicros()).isBetween(before - 1_000_000, after + 1_000_000);
            assertThat(p.sendEpochMicros()).isGreaterThanOrEqualTo(p.captureEpochMicros()).isLessThan(after + 1_000);
        }
        assertThat(meters.stageTimer(Stage.SEND).count()).isGreaterThanOrEqualTo(25);
        assertThat(meters.captureToWireTimer().count()).isGreaterThanOrEqualTo(25);
        assertThat(registry.get("scanout.viewer.bytes.sent").counter().count())
                .isGreaterThanOrEqualTo(25 * (100 + ViewerMessages.PACKET_HEADER_BYTES));
    }

    @Test
    void aNewConfigIsSentBeforeTheFirstPacketThatUsesIt() throws InterruptedException {
        Sinks.Many<EncodedPacket> source = Sinks.many().unicast().onBackpressureBuffer();
        hub.connect(source.asFlux());
        CodecConfig bigger = new CodecConfig(Packets.CONFIG.codec(), "test-encoder", 1280, 720, 8, "avc1.42C01F",
                new byte[] {0, 0, 0, 1, 0x67});
        CodecConfig sameAsFirst = new CodecConfig(Packets.CONFIG.codec(), Packets.CONFIG.encoder(),
                Packets.CONFIG.width(), Packets.CONFIG.height(), Packets.CONFIG.bitDepth(),
                Packets.CONFIG.codecString(), Packets.CONFIG.parameterSets());
        Mono<List<ViewerMessage>> watching = websocket("/streams/main")
                .handle((in, out) -> in.receive().asByteArray())
                .map(HttpTransportTest::decode)
                .takeUntil(countPackets(6))
                .collectList()
                .cache();
        watching.subscribe();
        awaitViewers(1);
        source.tryEmitNext(Packets.packet(0, true, 10));
        source.tryEmitNext(Packets.packet(1, false, 10));
        source.tryEmitNext(Packets.packet(bigger, 2, true, 10));
        source.tryEmitNext(Packets.packet(bigger, 3, false, 10));
        // Equal to the first but another instance: a new CONFIG since the viewer has "bigger" now.
        source.tryEmitNext(Packets.packet(sameAsFirst, 4, true, 10));
        source.tryEmitNext(Packets.packet(Packets.CONFIG, 5, false, 10)); // equal: no CONFIG again
        List<ViewerMessage> messages = watching.block(TIMEOUT);
        assertThat(messages).extracting(m -> m instanceof ViewerMessage.Config c ? c.config().width() + "x"
                        : String.valueOf(((ViewerMessage.Packet) m).sequence()))
                .containsExactly("640x", "0", "1", "1280x", "2", "3", "640x", "4", "5");
    }

    private void awaitViewers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (hub.viewers() != n) {
            assertThat(System.nanoTime()).as("waiting for %d viewers", n).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aPingIsAnsweredWithItsTimeAndTheServersClock() {
        feedForever();
        double clientMillis = 1_234_567.890625;
        long before = Instant.now().toEpochMilli() * 1000;
        ViewerMessage.Pong pong = websocket("/streams/main")
                .handle((in, out) -> out.sendObject(Mono.just(binary(ViewerMessages.encodePing(clientMillis))))
                        .then().thenMany(in.receive().asByteArray()))
                .map(HttpTransportTest::decode)
                .ofType(ViewerMessage.Pong.class)
                .blockFirst(TIMEOUT);
        long after = Instant.now().toEpochMilli() * 1000;
        assertThat(pong.clientMillis()).isEqualTo(clientMillis);
        assertThat(pong.serverEpochMicros()).isBetween(before - 1_000_000, after + 1_000_000);
    }

    @Test
    void anUnknownStreamIs404WithoutUpgrading() {
        assertThatThrownBy(() -> websocket("/streams/nope").handle((in, out) -> in.receive()).blockLast(TIMEOUT))
                .isInstanceOf(WebSocketClientHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketClientHandshakeException) e).response().status().code())
                        .isEqualTo(404));
        assertThat(get("/streams/nope").getT1()).isEqualTo(404);
        assertThat(hub.viewers()).isZero();
    }

    private Tuple2<Integer, String> get(String path) {
        return HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + path)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(s -> reactor.util.function.Tuples.of(res.status().code(),
                                res.responseHeaders().get("Content-Type", "") + "\n" + s)))
                .block(TIMEOUT);
    }

    @Test
    void streamsListsTheDirectoryAsJson() throws IOException {
        Tuple2<Integer, String> res = get("/streams");
        assertThat(res.getT1()).isEqualTo(200);
        String[] typeAndBody = res.getT2().split("\n", 2);
        assertThat(typeAndBody[0]).isEqualTo("application/json");
        List<Map<String, Object>> streams = json.readValue(typeAndBody[1], new TypeReference<>() { });
        assertThat(streams).singleElement().satisfies(s -> assertThat(s)
                .containsEntry("id", "main").containsEntry("source", "synthetic:640x360@30")
                .containsEntry("width", 640).containsEntry("height", 360).containsEntry("format", "XR24")
                .containsEntry("codec", "h264").containsEntry("encoder", "test-encoder")
                .containsEntry("viewers", 0).containsEntry("fps", 30.0).containsEntry("state", "running"));

        Tuple2<Integer, String> one = get("/streams/main");
        assertThat(one.getT1()).isEqualTo(200);
        Map<String, Object> info = json.readValue(one.getT2().split("\n", 2)[1], new TypeReference<>() { });
        assertThat(info).containsEntry("id", "main");
    }

    @Test
    void metricsAndHealth() {
        Tuple2<Integer, String> metrics = get("/metrics");
        assertThat(metrics.getT1()).isEqualTo(200);
        assertThat(metrics.getT2()).isEqualTo("text/plain; version=0.0.4; charset=utf-8\n"
                + "# TYPE scanout_viewers gauge\nscanout_viewers{stream=\"main\"} 0\n");
        assertThat(get("/healthz").getT1()).isEqualTo(200);
        assertThat(get("/healthz").getT2()).endsWith("\nok\n");
        healthy.set(false);
        assertThat(get("/healthz").getT1()).isEqualTo(503);
    }

    @Test
    void thePageAndItsFilesAreServedWithTheirTypes() {
        Tuple2<Integer, String> index = get("/");
        assertThat(index.getT1()).isEqualTo(200);
        assertThat(index.getT2()).startsWith("text/html; charset=utf-8\n").contains("<canvas id=\"screen\"")
                .contains("<div id=\"overlay\"");
        assertThat(get("/index.html").getT2()).isEqualTo(index.getT2());
        assertThat(get("/viewer.js").getT2()).startsWith("text/javascript; charset=utf-8\n").contains("VideoDecoder");
        assertThat(get("/protocol.js").getT2()).startsWith("text/javascript; charset=utf-8\n");
        assertThat(get("/viewer.css").getT2()).startsWith("text/css; charset=utf-8\n");
    }

    @Test
    void nothingOutsideTheFixedSetOfFilesIsServed() {
        for (String path : List.of("/../pom.xml", "/..%2fpom.xml", "/%2e%2e/%2e%2e/pom.xml", "/web/viewer.js",
                "/io/scanout/transport/web/index.html", "/io/scanout/transport/StreamHub.class", "/VIEWER.JS",
                "/viewer.js%00.html", "/logback-test.xml", "/etc/passwd", "/..%5cpom.xml")) {
            assertThat(get(path).getT1()).as(path).isEqualTo(404);
        }
    }

    @Test
    void brokenMessagesAreIgnoredAndCounted() {
        feedForever();
        List<WebSocketFrame> junk = List.of(
                new TextWebSocketFrame("hello"),
                binary(ByteBuffer.wrap(new byte[] {3})),                       // short
                binary(ByteBuffer.wrap(new byte[] {42, 1, 0, 0})),             // unknown type
                binary(ByteBuffer.wrap(new byte[] {3, 9, 0, 0, 0, 0, 0, 0, 0, 0})), // other version
                binary(ViewerMessages.encodePong(1, 2)),                       // valid, but not the viewer's to send
                new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {3, 1})), // a ping in two parts
                new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[8])),
                binary(ViewerMessages.encodePing(77.0)));
        List<ViewerMessage> messages = websocket("/streams/main")
                .handle((in, out) -> out.sendObject(Flux.fromIterable(junk)).then()
                        .thenMany(in.receive().asByteArray()))
                .map(HttpTransportTest::decode)
                .takeUntil(countPackets(20))
                .collectList()
                .block(TIMEOUT);
        // The connection lived on: the ping after the junk was answered and packets kept coming.
        assertThat(messages).contains(messages.stream().filter(m -> m instanceof ViewerMessage.Pong).findFirst()
                .orElseThrow());
        assertThat(messages.stream().filter(m -> m instanceof ViewerMessage.Pong).findFirst().orElseThrow())
                .extracting(m -> ((ViewerMessage.Pong) m).clientMillis()).isEqualTo(77.0);
        assertContiguousFromAKeyframe(packets(messages));
        assertThat(ignored("text")).isEqualTo(1);
        assertThat(ignored("malformed")).isEqualTo(3);
        assertThat(ignored("unexpected")).isEqualTo(1);
        assertThat(ignored("fragmented")).isEqualTo(2);
    }

    private double ignored(String reason) {
        return registry.get("scanout.viewer.messages.ignored").tag("reason", reason).counter().count();
    }

    @Test
    void anOversizedFrameClosesThatViewerOnly() throws InterruptedException {
        feedForever();
        Mono<List<ViewerMessage>> other = websocket("/streams/main")
                .handle((in, out) -> in.receive().asByteArray())
                .map(HttpTransportTest::decode)
                .takeUntil(countPackets(60))
                .collectList()
                .cache();
        other.subscribe();
        byte[] big = new byte[HttpTransport.MAX_INBOUND_FRAME_BYTES + 1];
        big[0] = ViewerMessages.TYPE_PING;
        big[1] = ViewerMessages.VERSION;
        // The big frame's sender is cut off: its stream of messages ends (close 1009, "message too big").
        List<Object> closed = websocket("/streams/main")
                .handle((in, out) -> out.sendObject(Mono.just(binary(ByteBuffer.wrap(big)))).then()
                        .thenMany(Flux.merge(in.receive().asByteArray().map(b -> (Object) b),
                                in.receiveCloseStatus().map(s -> (Object) s))))
                .collectList()
                .block(TIMEOUT);
        assertThat(closed).anySatisfy(o -> assertThat(o.toString()).contains("1009"));
        assertContiguousFromAKeyframe(packets(other.block(TIMEOUT)));
    }

    @Test
    void aViewerThatStopsReadingIsSkippedAheadWhileAnotherGetsEverything() throws Exception {
        // 4 MB/s; the queue holds three seconds of it, so only a reader stuck that long is skipped —
        // the stalled socket soon is, and a reader on a busy machine (a CI run beside other builds) is not.
        hub = new StreamHub("main", new ViewerLimits(750, 64 << 20, Duration.ofMillis(250)), () -> { }, meters);
        restartServerFor(hub);
        hub.connect(Flux.interval(Duration.ofMillis(4)).onBackpressureDrop()
                .map(i -> Packets.packet(i, i % GOP == 0, 16 * 1024)));
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            handshake(stalled);
            // Never read again: the kernel buffers fill, then this viewer's hub queue, then it skips.
            List<ViewerMessage> reader = watch(400, List.of());
            assertContiguousFromAKeyframe(packets(reader));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (registry.get("scanout.frames.dropped").tag("reason", "viewer-behind").counter().count() == 0) {
                assertThat(System.nanoTime()).as("the stalled viewer never fell behind").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(hub.viewers()).isEqualTo(1); // the stalled one, still connected
        }
    }

    private void handshake(Socket socket) throws IOException {
        RawWebSocket.upgrade(socket, "/streams/main", "");
    }

    @Test
    void closingTheServerTellsViewersItIsGoingAway() throws InterruptedException {
        feedForever();
        Mono<List<Object>> viewer = websocket("/streams/main")
                // Reading what comes (a Reactor Netty client that does not read closes at once).
                .handle((in, out) -> Flux.merge(in.receive().then(Mono.empty()),
                        in.receiveCloseStatus().map(s -> (Object) s)))
                .collectList()
                .cache();
        viewer.subscribe();
        awaitViewers(1);
        server.close();
        assertThat(viewer.block(TIMEOUT)).singleElement().satisfies(s -> assertThat(s.toString()).contains("1001"));
        awaitViewers(0);
    }

    @Test
    void theEndOfTheStreamClosesViewersNormally() throws InterruptedException {
        Sinks.Many<EncodedPacket> source = Sinks.many().unicast().onBackpressureBuffer();
        hub.connect(source.asFlux());
        Mono<List<Object>> viewer = websocket("/streams/main")
                .handle((in, out) -> Flux.merge(in.receive().asByteArray().map(b -> (Object) decode(b)),
                        in.receiveCloseStatus().map(s -> (Object) s)))
                .collectList()
                .cache();
        viewer.subscribe();
        awaitViewers(1);
        source.tryEmitNext(Packets.packet(0, true, 10));
        source.tryEmitComplete();
        List<Object> seen = viewer.block(TIMEOUT);
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0)).isInstanceOf(ViewerMessage.Config.class);
        assertThat(seen.get(1)).isInstanceOf(ViewerMessage.Packet.class);
        assertThat(seen.get(2).toString()).contains("1000");
    }

    @Test
    void aFailedStreamClosesViewersWith1011() throws InterruptedException {
        Sinks.Many<EncodedPacket> source = Sinks.many().unicast().onBackpressureBuffer();
        hub.connect(source.asFlux());
        Mono<List<Object>> viewer = websocket("/streams/main")
                .handle((in, out) -> Flux.merge(in.receive().then(Mono.empty()),
                        in.receiveCloseStatus().map(s -> (Object) s)))
                .collectList()
                .cache();
        viewer.subscribe();
        awaitViewers(1);
        source.tryEmitError(new IllegalStateException("encoder died"));
        assertThat(viewer.block(TIMEOUT)).singleElement().satisfies(s -> assertThat(s.toString()).contains("1011"));
    }
}
