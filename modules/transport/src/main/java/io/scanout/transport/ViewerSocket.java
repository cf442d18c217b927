package io.scanout.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.input.InputSink;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.ws.ViewerMessage;
import io.scanout.transport.ws.ViewerMessages;
import io.scanout.transport.ws.ViewerProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One viewer's WebSocket ({@code docs/protocol.md}): packets from the stream's hub out, pings in
 * and pongs out, the pointer's shape out (when the source sends one) and, when this viewer may
 * control the machine ({@link #permittedInput}), its pointer and keys in. One instance per
 * connection.
 *
 * <p>Backpressure is the socket's: a packet is written only when the previous write has reached
 * the socket ({@code concatMap} without prefetch), so a slow connection leaves packets in the hub's
 * bounded queue for this viewer, where they are dropped to the next keyframe — not in Netty's
 * outbound buffer, where they would only add latency. (Handing the whole flux to
 * {@code sendObject(Publisher)} would let Reactor Netty prefetch 128 messages past the hub.)
 *
 * <p>Threads: packets are framed on whichever thread delivers them (the encoder's or this
 * channel's event loop) and written through Netty; nothing here blocks. A message the viewer
 * should not have sent is counted and ignored; only the frame size limit (enforced by Netty's
 * decoder) and a malformed POINTER or KEY close a connection, and only that one. Input past the
 * viewer's rate ({@link InputRateLimit}) is dropped and counted; keys and buttons the viewer
 * holds are released when it leaves. The pointer's position, for sources that move it themselves,
 * goes out at most every {@link #CURSOR_POSITION_EVERY} (newest wins), and a viewer's window size
 * goes to the source debounced ({@link ViewerWindowSize}) when it may control the machine.
 */
final class ViewerSocket implements BiFunction<WebsocketInbound, WebsocketOutbound, Publisher<Void>> {
    private static final Logger log = LoggerFactory.getLogger(ViewerSocket.class);
    /**
     * The shortest gap between two CURSOR_POSITIONs to one viewer: about a display refresh, so a
     * guest moving its cursor at 1 kHz sends a viewer 60 positions a second, the newest each time.
     */
    static final Duration CURSOR_POSITION_EVERY = Duration.ofMillis(16);

    private final StreamHub hub;
    private final StreamEndpoint endpoint;
    /** Null when this viewer may only watch. */
    private final ViewerInput input;
    /** Null unless this viewer's window size goes to the source. */
    private final ViewerWindowSize windowSize;
    /** The first malformed message of a connection is logged at INFO, the rest at DEBUG. */
    private volatile boolean malformedLogged;
    private final StreamMeters meters;
    private final EpochClock clock;
    private final Mono<Void> serverClosing;
    private final ChannelGroup viewerChannels;
    // Touched only inside the serial concatMap of packets.
    private CodecConfig sentConfig;
    private volatile boolean writeFailed;
    private volatile boolean viewerGone;
    private volatile boolean serverClosed;
    /**
     * Set once, on the event loop, when the viewer broke the protocol: the outbound side then ends
     * and sends the close. (Ending the inbound side instead would make Reactor Netty drop the
     * connection before the close frame could go.)
     */
    private volatile ViewerViolation violation;
    private final Sinks.Empty<Void> violated = Sinks.empty();

    /**
     * @param inputGranted  whether this connection may send input, as far as its credentials go;
     *                      the stream must allow it too ({@link #permittedInput})
     * @param serverClosing completes when the server is closing: the viewer gets close 1001
     */
    ViewerSocket(StreamEndpoint endpoint, boolean inputGranted, EpochClock clock, Mono<Void> serverClosing,
                 ChannelGroup viewerChannels) {
        this.endpoint = endpoint;
        this.hub = endpoint.hub();
        this.input = permittedInput(endpoint, inputGranted)
                .map(sink -> new ViewerInput(sink, InputRateLimit.defaults())).orElse(null);
        this.windowSize = inputGranted ? endpoint.displaySize()
                .map(sink -> new ViewerWindowSize(sink, Schedulers.parallel(), hub.streamId())).orElse(null) : null;
        this.meters = hub.meters();
        this.clock = clock;
        this.serverClosing = serverClosing;
        this.viewerChannels = viewerChannels;
    }

    /**
     * Where this viewer's pointer and keys go, if anywhere: both the stream (its {@code input}
     * setting, and a source that takes input — {@link StreamEndpoint#input()}) and the connection
     * (its grant) must allow it.
     */
    static Optional<InputSink> permittedInput(StreamEndpoint endpoint, boolean connectionGranted) {
        return connectionGranted ? endpoint.input() : Optional.empty();
    }

    @Override
    public Publisher<Void> apply(WebsocketInbound in, WebsocketOutbound out) {
        in.withConnection(connection -> viewerChannels.add(connection.channel()));
        Sinks.Empty<Void> inboundEnded = Sinks.empty();
        Mono<Void> inbound = in.receiveFrames()
                // Decoded here, synchronously: Reactor Netty releases the frame once onNext returns.
                .<Double>handle(this::received)
                .concatMap(clientMillis -> send(out, ViewerMessages.encodePong(clientMillis, clock.nowMicros())))
                .then()
                .onErrorResume(e -> {
                    // A connection that broke (or a frame Netty refused): this viewer is gone, nothing more.
                    log.debug("stream {}: viewer connection ended: {}", hub.streamId(), e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    viewerGone = true;
                    if (input != null) {
                        input.releaseAll();
                    }
                    if (windowSize != null) {
                        windowSize.close();
                    }
                    inboundEnded.tryEmitEmpty();
                });
        Mono<Void> stop = Mono.firstWithSignal(serverClosing.doOnSuccess(v -> serverClosed = true),
                inboundEnded.asMono(), violated.asMono());
        Mono<Void> outbound = hub.joinTimed()
                .takeUntilOther(stop)
                .concatMap(packet -> sendPacket(out, packet), 0)
                .then(Mono.defer(() -> close(out)))
                .onErrorResume(e -> ended(out, e));
        // On join the current shape, then each change; a slow viewer gets the newest.
        Mono<Void> cursor = endpoint.cursor()
                .takeUntilOther(stop)
                .onBackpressureLatest()
                .concatMap(image -> send(out, ViewerMessages.encodeCursor(image)), 0)
                .then()
                .onErrorResume(e -> {
                    log.debug("stream {}: cursor updates to a viewer ended: {}", hub.streamId(), e.toString());
                    return Mono.empty();
                });
        // On join the current position, then at most one per CURSOR_POSITION_EVERY, the newest.
        Mono<Void> cursorPosition = endpoint.cursorPositions()
                .takeUntilOther(stop)
                .sample(CURSOR_POSITION_EVERY)
                .onBackpressureLatest()
                .concatMap(position -> send(out, ViewerMessages.encodeCursorPosition(position)), 0)
                .then()
                .onErrorResume(e -> {
                    log.debug("stream {}: cursor positions to a viewer ended: {}", hub.streamId(), e.toString());
                    return Mono.empty();
                });
        // Neither side cancels the other: a close frame being sent ends the inbound side at once, and
        // cancelling its write then would lose it. The connection ends when both have.
        return Mono.when(inbound, outbound, cursor, cursorPosition);
    }

    private Mono<Void> close(WebsocketOutbound out) {
        if (viewerGone) {
            return Mono.empty();
        }
        ViewerViolation broken = violation;
        if (broken != null) {
            log.info("stream {}: closing a viewer: {}", hub.streamId(), broken.getMessage());
            return out.sendClose(broken.closeCode(), broken.closeReason());
        }
        return serverClosed ? out.sendClose(1001, "server closing") : out.sendClose(1000, "stream ended");
    }

    private Mono<Void> ended(WebsocketOutbound out, Throwable e) {
        if (writeFailed) {
            log.debug("stream {}: viewer connection closed: {}", hub.streamId(), e.toString());
            return Mono.empty();
        }
        log.debug("stream {}: stream failed, closing viewer: {}", hub.streamId(), e.toString());
        return out.sendClose(1011, "stream failed");
    }

    private Mono<Void> sendPacket(WebsocketOutbound out, HubPacket hubPacket) {
        EncodedPacket packet = hubPacket.packet();
        CodecConfig config = packet.config();
        Mono<Void> configFirst = Mono.empty();
        if (config != sentConfig && !config.equals(sentConfig)) {
            sentConfig = config;
            configFirst = send(out, ViewerMessages.encodeConfig(config,
                    (input == null ? 0 : ViewerMessages.CONFIG_FLAG_INPUT)
                            | (windowSize == null ? 0 : ViewerMessages.CONFIG_FLAG_WINDOW_SIZE)));
        }
        return configFirst.then(Mono.defer(() -> {
            // Framed just before the write, so the send time is when it goes. Header and payload both
            // direct: the socket then writes them as they are, without copying the payload per viewer.
            ByteBuffer headerBytes = ViewerMessages.encodePacketHeader(packet,
                    clock.epochMicros(packet.captureNanos()), clock.nowMicros());
            ByteBuf header = out.alloc().directBuffer(headerBytes.remaining()).writeBytes(headerBytes);
            ByteBuf message = Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(hubPacket.directPayload()));
            int bytes = message.readableBytes();
            return write(out, message).doOnSuccess(v -> {
                meters.bytesSent(bytes);
                meters.packetOnWire(packet.captureNanos());
                meters.stageTook(Stage.SEND, System.nanoTime() - hubPacket.receivedNanos());
            });
        }));
    }

    private Mono<Void> send(WebsocketOutbound out, ByteBuffer message) {
        return Mono.defer(() -> {
            int bytes = message.remaining();
            return write(out, Unpooled.wrappedBuffer(message)).doOnSuccess(v -> meters.bytesSent(bytes));
        });
    }

    /** Completes when the message has reached the socket. */
    private Mono<Void> write(WebsocketOutbound out, ByteBuf message) {
        return out.sendObject(new BinaryWebSocketFrame(message)).then()
                .doOnError(e -> writeFailed = true);
    }

    /**
     * The client time of a PING to answer; POINTER and KEY go to the source; anything else is
     * counted and ignored, except a malformed POINTER or KEY, which ends the connection.
     */
    private void received(WebSocketFrame frame, SynchronousSink<Double> sink) {
        if (violation != null) {
            return; // closing: nothing more from this viewer is acted on
        }
        if (frame instanceof PongWebSocketFrame) {
            return; // a keep-alive answer at the WebSocket level, not a protocol message
        }
        if (frame instanceof TextWebSocketFrame) {
            ignore(TransportMeters.TEXT, "a text frame");
            return;
        }
        if (!(frame instanceof BinaryWebSocketFrame) || !frame.isFinalFragment()) {
            ignore(TransportMeters.FRAGMENTED, "a fragment of a message");
            return;
        }
        ByteBuffer bytes = frame.content().nioBuffer();
        ViewerMessage message;
        try {
            message = ViewerMessages.decode(bytes);
        } catch (ViewerProtocolException e) {
            if (isInput(bytes)) {
                // Input acts on a machine: a viewer that sends it garbled is not guessed at.
                TransportMeters.messagesIgnored(meters, TransportMeters.MALFORMED).increment();
                malformedLogged = true; // the close is logged at INFO with this reason
                violation = ViewerViolation.malformedInput(e.getMessage());
                violated.tryEmitEmpty();
                return;
            }
            malformed(e.getMessage());
            return;
        }
        if (message instanceof ViewerMessage.Ping ping) {
            sink.next(ping.clientMillis());
        } else if (message instanceof ViewerMessage.Pointer pointer) {
            if (input != null) {
                counted(input.pointer(pointer.x(), pointer.y(), pointer.buttons()));
            } else {
                ignore(TransportMeters.INPUT_NOT_ALLOWED, "a POINTER message");
            }
        } else if (message instanceof ViewerMessage.Key key) {
            if (input != null) {
                counted(input.key(key.keysym(), key.down()));
            } else {
                ignore(TransportMeters.INPUT_NOT_ALLOWED, "a KEY message");
            }
        } else if (message instanceof ViewerMessage.WindowSize size) {
            windowSized(size);
        } else {
            ignore(TransportMeters.UNEXPECTED, "a " + message.getClass().getSimpleName() + " message");
        }
    }

    private void windowSized(ViewerMessage.WindowSize size) {
        if (windowSize != null) {
            windowSize.resized(size.width(), size.height());
        } else if (endpoint.displaySize().isEmpty()) {
            ignore(TransportMeters.SIZE_UNSUPPORTED, "a WINDOW_SIZE message (the stream takes no size)");
        } else {
            ignore(TransportMeters.INPUT_NOT_ALLOWED, "a WINDOW_SIZE message");
        }
    }

    /** Counted; the first of a connection logged at INFO with its reason, so a broken client is seen. */
    private void malformed(String reason) {
        TransportMeters.messagesIgnored(meters, TransportMeters.MALFORMED).increment();
        if (!malformedLogged) {
            malformedLogged = true;
            log.info("stream {}: ignored a malformed message from a viewer: {} (further ones on this connection"
                    + " are logged at debug level)", hub.streamId(), reason);
        } else {
            log.debug("stream {}: ignored a malformed message from a viewer: {}", hub.streamId(), reason);
        }
    }

    /** Whether a message that did not decode claims to be a version-1 POINTER or KEY. */
    private static boolean isInput(ByteBuffer message) {
        if (message.remaining() < ViewerMessages.HEADER_BYTES
                || (message.get(message.position() + 1) & 0xff) != ViewerMessages.VERSION) {
            return false;
        }
        int type = message.get(message.position()) & 0xff;
        return type == ViewerMessages.TYPE_POINTER || type == ViewerMessages.TYPE_KEY;
    }

    private void counted(ViewerInput.Outcome outcome) {
        switch (outcome) {
            case RATE_LIMITED -> ignore(TransportMeters.RATE_LIMITED, "input past the viewer's rate");
            case SOURCE_UNAVAILABLE -> ignore(TransportMeters.SOURCE_UNAVAILABLE, "input the source could not take");
            case SENT -> { }
        }
    }

    private void ignore(String reason, String what) {
        TransportMeters.messagesIgnored(meters, reason).increment();
        log.debug("stream {}: ignored {} from a viewer", hub.streamId(), what);
    }
}
