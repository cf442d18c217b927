package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.StreamHandler;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * RFB over WebSocket, {@code WS /streams/{id}/rfb}, as noVNC and websockify speak it: the RFB byte
 * stream in binary messages (subprotocol {@code binary}), in either direction split anywhere.
 * Register with {@code HttpTransport.Builder#streamHandler("/rfb", new RfbWebSocketHandler(security, copies))}.
 *
 * <p>Same sessions as {@link RfbServer}, minus VeNCrypt (TLS belongs to the HTTP server here:
 * {@code wss://}). A text message, or a message over {@value #MAX_MESSAGE_BYTES} bytes, closes that
 * connection only.
 *
 * <p>A stream's clients share the CPU copies of its dma-buf pictures through an
 * {@link RfbDmaBufCopies}: give the one the application's {@link RfbServer} uses too, so TCP and
 * WebSocket clients share them, and close it when the HTTP server has stopped.
 */
public final class RfbWebSocketHandler implements StreamHandler {
    private static final Logger log = LoggerFactory.getLogger(RfbWebSocketHandler.class);
    /** Client messages are small; noVNC sends each in one WebSocket message. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final RfbSecurity security;
    private final RfbDmaBufCopies copies;
    private final WebsocketServerSpec spec = WebsocketServerSpec.builder()
            .protocols("binary")
            .maxFramePayloadLength(MAX_MESSAGE_BYTES)
            .build();

    /**
     * A handler with dma-buf copies of its own, for when it is the application's only RFB endpoint:
     * they hold memory only while a session sends dma-buf pictures, and the last session of a stream
     * to end frees that stream's.
     */
    public RfbWebSocketHandler(RfbSecurity security) {
        this(security, new RfbDmaBufCopies());
    }

    /** A handler whose clients share dma-buf copies through {@code copies}, which the caller owns and closes. */
    public RfbWebSocketHandler(RfbSecurity security, RfbDmaBufCopies copies) {
        if (security == null || copies == null) {
            throw new IllegalArgumentException("security and dma-buf copies are required");
        }
        this.security = security;
        this.copies = copies;
    }

    @Override
    public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res, StreamEndpoint stream) {
        return res.sendWebsocket((in, out) -> {
            Channel[] channel = new Channel[1];
            in.withConnection(connection -> channel[0] = connection.channel());
            RfbSession session = new RfbSession(stream, security, copies, RfbWire.websocket(channel[0]),
                    Schedulers.boundedElastic().createWorker());
            session.start();
            return in.receiveFrames()
                    .doOnNext(frame -> received(session, frame))
                    .then()
                    .onErrorResume(e -> {
                        log.info("RFB WebSocket client {} on stream {}: {}; connection closed",
                                channel[0].remoteAddress(), stream.hub().streamId(), e.toString());
                        return Mono.empty();
                    })
                    .doFinally(signal -> session.disconnected());
        }, spec);
    }

    private static void received(RfbSession session, WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            ByteBuf content = frame.content();
            if (content.isReadable()) {
                session.received(InboundBytes.copy(content));
            }
            return;
        }
        if (frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame
                || frame instanceof CloseWebSocketFrame) {
            return; // WebSocket housekeeping, not RFB
        }
        session.protocolError("a " + frame.getClass().getSimpleName() + " where RFB bytes come in binary messages");
    }
}
