package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.scanout.core.input.CursorPosition;
import io.scanout.core.input.DisplaySizeSink;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.security.BearerToken;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import io.scanout.transport.ws.ViewerMessage;
import io.scanout.transport.ws.ViewerMessages;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * CURSOR_POSITION out and WINDOW_SIZE in over a real WebSocket to {@link ViewerSocket}: the
 * stream's position feed and size sink stand where a VFIO source is (the server module's test
 * puts an emulated vGPU behind a whole stream).
 */
class ViewerPositionAndSizeSocketTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String WATCHER = "watcher-token-0123456789abcdef";
    private static final String CONTROLLER = "controller-token-0123456789abcdef";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "main");
    private final StreamHub hub = new StreamHub("main", ViewerLimits.defaults(), () -> { }, meters);
    private final Sinks.Many<CursorPosition> positions = Sinks.many().replay().latest();
    private final List<String> sizes = new CopyOnWriteArrayList<>();
    private final DisplaySizeSink recording = (w, h) -> sizes.add(w + "x" + h);
    private HttpTransport.Running server;

    private record Endpoint(StreamHub hub, Flux<CursorPosition> cursorPositions, Optional<DisplaySizeSink> displaySize)
            implements StreamEndpoint {
        @Override
        public StreamInfo info() {
            return new StreamInfo("main", "test", 640, 360, "XR24", "h264", "test-encoder", 0, 30.0, "running");
        }
    }

    private void serve(Optional<DisplaySizeSink> displaySize, SecuritySettings security) {
        StreamEndpoint endpoint = new Endpoint(hub, positions.asFlux(), displaySize);
        server = HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .directory(StreamDirectory.of("main", endpoint))
                .security(security)
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

    private HttpClient.WebsocketSender websocket(String token) {
        HttpClient client = HttpClient.create();
        if (token != null) {
            client = client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token));
        }
        return client.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
                .uri("ws://127.0.0.1:" + server.port() + "/streams/main");
    }

    /**
     * Connects, waits for the first CONFIG, sends {@code toSend}, then reads until a PONG for 99 and
     * stays connected a while longer: a size not yet sent when its viewer leaves is dropped.
     */
    private List<ViewerMessage> exchange(String token, List<ByteBuffer> toSend) {
        Sinks.One<Object> configSeen = Sinks.one();
        Sinks.One<Object> pongSeen = Sinks.one();
        return websocket(token)
                .handle((in, out) -> {
                    Flux<ViewerMessage> messages = in.receive().asByteArray()
                            .map(b -> ViewerMessages.decode(ByteBuffer.wrap(b)))
                            .doOnNext(m -> {
                                if (m instanceof ViewerMessage.Config) {
                                    configSeen.tryEmitValue(m);
                                } else if (m instanceof ViewerMessage.Pong) {
                                    pongSeen.tryEmitValue(m);
                                }
                            });
                    Mono<Void> send = configSeen.asMono().then(out.sendObject(Flux.fromIterable(toSend)
                            .concatWith(Mono.just(ViewerMessages.encodePing(99)))
                            .map(b -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b)))).then());
                    // Cancelling the receiving side closes the connection: only after the pong and a while.
                    return Flux.merge(messages, send.then(Mono.empty()))
                            .takeUntilOther(pongSeen.asMono().then(Mono.delay(ViewerWindowSize.QUIET.multipliedBy(3))));
                })
                .collectList()
                .block(TIMEOUT);
    }

    private static ViewerMessage.Config firstConfig(List<ViewerMessage> seen) {
        return seen.stream().filter(m -> m instanceof ViewerMessage.Config).map(m -> (ViewerMessage.Config) m)
                .findFirst().orElseThrow();
    }

    private double ignored(String reason) {
        var counter = registry.find("scanout.viewer.messages.ignored").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private void awaitSizes(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (sizes.size() < n) {
            assertThat(System.nanoTime()).as("sizes: " + sizes).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aLateViewerGetsTheLatestPositionAndAFloodArrivesThinnedToTheNewest() {
        serve(Optional.empty(), SecuritySettings.open());
        positions.tryEmitNext(new CursorPosition(5, 6, 640, 360));
        int flood = 2000;
        List<CursorPosition> seen = websocket(null)
                .handle((in, out) -> in.receive().asByteArray().map(b -> ViewerMessages.decode(ByteBuffer.wrap(b))))
                .ofType(ViewerMessage.CursorPosition.class)
                .map(ViewerMessage.CursorPosition::position)
                .doOnNext(p -> {
                    if (p.x() == 5) {
                        // A guest moving its cursor as fast as it can, all at once.
                        for (int i = 1; i <= flood; i++) {
                            positions.tryEmitNext(new CursorPosition(i % 640, 100, 640, 360));
                        }
                    }
                })
                .takeUntil(p -> p.x() == flood % 640)
                .collectList()
                .block(TIMEOUT);
        assertThat(seen.get(0)).as("the position before joining, first").isEqualTo(new CursorPosition(5, 6, 640, 360));
        assertThat(seen.get(seen.size() - 1)).isEqualTo(new CursorPosition(flood % 640, 100, 640, 360));
        assertThat(seen.size()).as("positions sent for " + flood + " moves").isLessThan(flood / 2);
    }

    @Test
    void aViewerThatMayControlTheStreamHasItsLastWindowSizeSentOnce() throws InterruptedException {
        serve(Optional.of(recording), SecuritySettings.open());
        List<ViewerMessage> seen = exchange(null, List.of(ViewerMessages.encodeWindowSize(1000, 700),
                ViewerMessages.encodeWindowSize(900, 650), ViewerMessages.encodeWindowSize(800, 600)));
        assertThat(firstConfig(seen).windowSizeAllowed()).isTrue();
        assertThat(firstConfig(seen).inputAllowed()).as("the stream takes no keys or pointer").isFalse();
        awaitSizes(1);
        assertThat(sizes).as("only the last of a burst, once").containsExactly("800x600");
    }

    @Test
    void aStreamWhoseSourceTakesNoSizeCountsAndIgnoresIt() {
        serve(Optional.empty(), SecuritySettings.open());
        List<ViewerMessage> seen = exchange(null, List.of(ViewerMessages.encodeWindowSize(800, 600)));
        assertThat(firstConfig(seen).windowSizeAllowed()).isFalse();
        assertThat(seen).as("the viewer stays").anyMatch(m -> m instanceof ViewerMessage.Pong);
        assertThat(ignored(TransportMeters.SIZE_UNSUPPORTED)).isEqualTo(1);
    }

    @Test
    void aConnectionWithoutTheInputScopeCannotResize() throws InterruptedException {
        serve(Optional.of(recording), SecuritySettings.builder()
                .token(BearerToken.of("watcher", WATCHER, EnumSet.of(Scope.VIEW)))
                .token(BearerToken.of("controller", CONTROLLER, EnumSet.of(Scope.VIEW, Scope.INPUT)))
                .build());
        List<ViewerMessage> watched = exchange(WATCHER, List.of(ViewerMessages.encodeWindowSize(800, 600)));
        assertThat(firstConfig(watched).windowSizeAllowed()).isFalse();
        assertThat(ignored(TransportMeters.INPUT_NOT_ALLOWED)).isEqualTo(1);
        assertThat(sizes).as("nothing reached the source while the watcher stayed").isEmpty();

        List<ViewerMessage> controlled = exchange(CONTROLLER, List.of(ViewerMessages.encodeWindowSize(1024, 768)));
        assertThat(firstConfig(controlled).windowSizeAllowed()).isTrue();
        awaitSizes(1);
        assertThat(sizes).containsExactly("1024x768");
    }

    @Test
    void malformedMessagesAreCountedAndTheFirstIsLoggedAtInfo() {
        serve(Optional.of(recording), SecuritySettings.open());
        Logger logger = (Logger) LoggerFactory.getLogger(ViewerSocket.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
        try {
            List<ViewerMessage> seen = exchange(null, List.of(ByteBuffer.wrap(new byte[] {9, 1, 0, 0, 0, 5}),
                    ByteBuffer.wrap(new byte[] {42, 1}), ByteBuffer.wrap(new byte[] {9})));
            assertThat(seen).as("the viewer stays").anyMatch(m -> m instanceof ViewerMessage.Pong);
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
        assertThat(ignored(TransportMeters.MALFORMED)).isEqualTo(3);
        List<String> malformed;
        synchronized (appender) {
            malformed = appender.list.stream().filter(e -> e.getFormattedMessage().contains("malformed"))
                    .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
        assertThat(malformed).hasSize(3);
        assertThat(malformed.get(0)).startsWith("INFO ").contains("WINDOW_SIZE of 0x5");
        assertThat(malformed.get(1)).startsWith("DEBUG ").contains("unknown message type 42");
        assertThat(malformed.get(2)).startsWith("DEBUG ").contains("truncated");
        assertThat(sizes).isEmpty();
    }
}
