package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.InputSink;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.ws.ViewerMessage;
import io.scanout.transport.ws.ViewerMessages;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * POINTER, KEY and CURSOR over a real WebSocket to {@link ViewerSocket}. The stream's input sink
 * records what reaches it: it stands where a VNC connection would be (the browser test in the
 * server module drives x11vnc for real).
 */
class ViewerInputSocketTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "main");
    private final StreamHub hub = new StreamHub("main", ViewerLimits.defaults(), () -> { }, meters);
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Sinks.Many<CursorImage> cursors = Sinks.many().replay().latest();
    private HttpTransport.Running server;

    private final InputSink recording = new InputSink() {
        @Override
        public boolean pointer(int x, int y, int buttons) {
            received.add("pointer " + x + "," + y + " " + buttons);
            return true;
        }

        @Override
        public boolean key(int keysym, boolean down) {
            received.add("key " + Integer.toHexString(keysym) + (down ? " down" : " up"));
            return true;
        }
    };

    /** A stream whose source takes input when {@code input} is present, and sends a cursor. */
    private record Endpoint(StreamHub hub, Optional<InputSink> input, Flux<CursorImage> cursor)
            implements StreamEndpoint {
        @Override
        public StreamInfo info() {
            return new StreamInfo("main", "test", 640, 360, "XR24", "h264", "test-encoder", 0, 30.0, "running");
        }
    }

    private void serve(Optional<InputSink> input) {
        StreamEndpoint endpoint = new Endpoint(hub, input, cursors.asFlux());
        server = HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .directory(StreamDirectory.of("main", endpoint))
                .build()
                .start();
        hub.connect(Flux.interval(Duration.ofMillis(5)).onBackpressureDrop().map(i -> Packets.inGop(i, 10)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        hub.dispose();
    }

    private HttpClient.WebsocketSender websocket() {
        return HttpClient.create()
                .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
                .uri("ws://127.0.0.1:" + server.port() + "/streams/main");
    }

    private static WebSocketFrame binary(ByteBuffer message) {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message));
    }

    /** Connects, waits for the first CONFIG, sends {@code toSend}, then reads until a PONG for 99. */
    private List<Object> exchange(List<ByteBuffer> toSend) {
        Sinks.One<Object> configSeen = Sinks.one();
        return websocket()
                .handle((in, out) -> {
                    Flux<Object> messages = in.receive().asByteArray()
                            .map(b -> (Object) ViewerMessages.decode(ByteBuffer.wrap(b)))
                            .doOnNext(m -> {
                                if (m instanceof ViewerMessage.Config) {
                                    configSeen.tryEmitValue(m);
                                }
                            });
                    Mono<Void> send = configSeen.asMono().then(out.sendObject(Flux.fromIterable(toSend)
                            .map(ViewerInputSocketTest::binary)
                            .concatWith(Mono.just(binary(ViewerMessages.encodePing(99))))).then());
                    return Flux.merge(messages, send.then(Mono.empty()),
                            in.receiveCloseStatus().map(s -> (Object) s));
                })
                .takeUntil(m -> m instanceof ViewerMessage.Pong)
                .collectList()
                .block(TIMEOUT);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private double ignored(String reason) {
        var counter = registry.find("scanout.viewer.messages.ignored").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aViewerMayControlAStreamThatTakesInputAndLetsGoWhenItLeaves() throws InterruptedException {
        serve(Optional.of(recording));
        List<Object> seen = exchange(List.of(ViewerMessages.encodePointer(10, 20, 0),
                ViewerMessages.encodePointer(11, 21, InputSink.BUTTON_LEFT), ViewerMessages.encodeKey(0xffe1, true),
                ViewerMessages.encodeKey(0x41, true), ViewerMessages.encodeKey(0x41, false)));
        ViewerMessage.Config config = seen.stream().filter(m -> m instanceof ViewerMessage.Config)
                .map(m -> (ViewerMessage.Config) m).findFirst().orElseThrow();
        assertThat(config.inputAllowed()).isTrue();
        // The ping after the events was answered, so the events before it were handled, in order. (The
        // viewer has left by now, so the releases below may already have followed them.)
        assertThat(List.copyOf(received).subList(0, 5)).containsExactly("pointer 10,20 0", "pointer 11,21 1", "key ffe1 down",
                "key 41 down", "key 41 up");
        // The viewer left holding Shift and the left button: both are let go.
        await(() -> received.size() == 7, "held key and button were not released: " + received);
        assertThat(received.subList(5, 7)).containsExactlyInAnyOrder("key ffe1 up", "pointer 11,21 0");
    }

    @Test
    void aWatchOnlyStreamSaysSoAndIgnoresInputButKeepsTheViewer() {
        serve(Optional.empty());
        List<Object> seen = exchange(List.of(ViewerMessages.encodePointer(10, 20, 1),
                ViewerMessages.encodeKey(0x61, true)));
        assertThat(seen).filteredOn(m -> m instanceof ViewerMessage.Config)
                .allSatisfy(m -> assertThat(((ViewerMessage.Config) m).inputAllowed()).isFalse());
        assertThat(seen.get(seen.size() - 1)).isInstanceOf(ViewerMessage.Pong.class);
        assertThat(received).isEmpty();
        assertThat(ignored(TransportMeters.INPUT_NOT_ALLOWED)).isEqualTo(2);
    }

    @Test
    void aMalformedKeyClosesThatViewerOnlyWith1002() {
        serve(Optional.of(recording));
        Mono<List<Object>> other = websocket()
                .handle((in, out) -> in.receive().asByteArray().map(b -> (Object) ViewerMessages.decode(ByteBuffer.wrap(b))))
                .filter(m -> m instanceof ViewerMessage.Packet)
                .take(200)
                .collectList()
                .cache();
        other.subscribe();
        byte[] key = {ViewerMessages.TYPE_KEY, ViewerMessages.VERSION, 7, 0, 0, 0, 0x61};
        List<Object> seen = exchange(List.of(ByteBuffer.wrap(key)));
        assertThat(seen).noneMatch(m -> m instanceof ViewerMessage.Pong);
        assertThat(seen.get(seen.size() - 1).toString()).contains("1002")
                .contains("malformed input message: KEY down is 7");
        assertThat(received).isEmpty();
        assertThat(other.block(TIMEOUT)).as("the other viewer kept getting packets").hasSize(200);
    }

    @Test
    void theCursorComesOnJoiningAndOnEachChange() {
        serve(Optional.empty());
        cursors.tryEmitNext(new CursorImage(0, 0, 1, 1, new int[] {0xff102030}));
        List<CursorImage> shapes = websocket()
                .handle((in, out) -> in.receive().asByteArray().map(b -> ViewerMessages.decode(ByteBuffer.wrap(b))))
                .ofType(ViewerMessage.Cursor.class)
                .map(ViewerMessage.Cursor::image)
                .doOnNext(image -> {
                    if (image.width() == 1) {
                        cursors.tryEmitNext(new CursorImage(1, 0, 2, 1, new int[] {0xff000000, 0x00ffffff}));
                    }
                })
                .take(2)
                .collectList()
                .block(TIMEOUT);
        assertThat(shapes).extracting(image -> image.argb()[0]).containsExactly(0xff102030, 0xff000000);
        assertThat(shapes.get(1).hotspotX()).isEqualTo(1);
    }
}
