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
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.ws.ViewerMessage;
import io.scanout.transport.ws.ViewerMessages;
import io.scanout.transport.ws.ViewerProtocolException;
import java.nio.ByteBuffer;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.SynchronousSink;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One viewer's WebSocket ({@code docs/protocol.md}): packets from the stream's hub out, pings in
 * and pongs out. One instance per connection.
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
 * decoder) closes a connection, and only that one.
 */
final class ViewerSocket implements BiFunction<WebsocketInbound, WebsocketOutbound, Publisher<Void>> {
    private static final Logger log = LoggerFactory.getLogger(ViewerSocket.class);

    private final StreamHub hub;
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
     * @param serverClosing completes when the server is closing: the viewer gets close 1001
     */
    ViewerSocket(StreamHub hub, EpochClock clock, Mono<Void> serverClosing, ChannelGroup viewerChannels) {
        this.hub = hub;
        this.meters = hub.meters();
        this.clock = clock;
        this.serverClosing = serverClosing;
        this.viewerChannels = viewerChannels;
    }

    @Override
    public Publisher<Void> apply(WebsocketInbound in, WebsocketOutbound out) {
        in.withConnection(connection -> viewerChannels.add(connection.channel()));
        Sinks.Empty<Void> inboundEnded = Sinks.empty();
        Mono<Void> inbound = in.receiveFrames()
                // Decoded here, synchronously: Reactor Netty releases the frame once onNext returns.
                .<Double>handle(this::pingTime)
                .concatMap(clientMillis -> send(out, ViewerMessages.encodePong(clientMillis, clock.nowMicros())))
                .then()
                .onErrorResume(e -> {
                    // A connection that broke (or a frame Netty refused): this viewer is gone, nothing more.
                    log.debug("stream {}: viewer connection ended: {}", hub.streamId(), e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    viewerGone = true;
                    inboundEnded.tryEmitEmpty();
                });
        Mono<Void> stop = Mono.firstWithSignal(serverClosing.doOnSuccess(v -> serverClosed = true),
                inboundEnded.asMono());
        Mono<Void> outbound = hub.joinTimed()
                .takeUntilOther(stop)
                .concatMap(packet -> sendPacket(out, packet), 0)
                .then(Mono.defer(() -> close(out)))
                .onErrorResume(e -> ended(out, e));
        // Neither side cancels the other: a close frame being sent ends the inbound side at once, and
        // cancelling its write then would lose it. The connection ends when both have.
        return Mono.when(inbound, outbound);
    }

    private Mono<Void> close(WebsocketOutbound out) {
        if (viewerGone) {
            return Mono.empty();
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
            configFirst = send(out, ViewerMessages.encodeConfig(config));
        }
        return configFirst.then(Mono.defer(() -> {
            // Framed just before the write, so the send time is when it goes.
            ByteBuf header = Unpooled.wrappedBuffer(ViewerMessages.encodePacketHeader(packet,
                    clock.epochMicros(packet.captureNanos()), clock.nowMicros()));
            ByteBuf message = Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(packet.bytes()));
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

    /** The client time of a PING; anything else is counted and ignored. */
    private void pingTime(WebSocketFrame frame, SynchronousSink<Double> sink) {
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
        ViewerMessage message;
        try {
            message = ViewerMessages.decode(frame.content().nioBuffer());
        } catch (ViewerProtocolException e) {
            ignore(TransportMeters.MALFORMED, e.getMessage());
            return;
        }
        if (message instanceof ViewerMessage.Ping ping) {
            sink.next(ping.clientMillis());
        } else {
            ignore(TransportMeters.UNEXPECTED, "a " + message.getClass().getSimpleName() + " message");
        }
    }

    private void ignore(String reason, String what) {
        TransportMeters.messagesIgnored(meters, reason).increment();
        log.debug("stream {}: ignored {} from a viewer", hub.streamId(), what);
    }
}
