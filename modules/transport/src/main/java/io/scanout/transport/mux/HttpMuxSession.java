package io.scanout.transport.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.scanout.core.EncodedPacket;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.HubPacket;
import io.scanout.transport.StreamHub;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One HTTP client of a {@link MuxHandler}: a viewer of the hub, a muxer of its own, and the chunked
 * response the container goes out in.
 *
 * <p>Backpressure is the socket's, as for the WebSocket viewer: a packet is muxed and written only
 * when the previous write has reached the socket ({@code concatMap} without prefetch), so a slow
 * client leaves packets in the hub's bounded queue for it, where they are dropped to the next
 * keyframe. The muxer is opened on the first packet (a keyframe: the hub starts every viewer at one)
 * with that packet's configuration.
 *
 * <p>Threads: packets are muxed on whichever thread delivers them (the encoder's or this
 * connection's event loop), one at a time; muxing copies memory and never blocks. The muxer is
 * closed exactly once, when the response ends for any reason; {@link PacketMuxer} serialises that
 * with a write still in progress.
 */
final class HttpMuxSession {
    private static final Logger log = LoggerFactory.getLogger(HttpMuxSession.class);

    private final MuxFormat format;
    private final StreamHub hub;
    private final StreamMeters meters;
    private final HttpServerResponse res;
    private final Sinks.Empty<Void> clientGone = Sinks.empty();
    // Set inside the serial concatMap; read by the final step and by the close on any thread.
    private volatile PacketMuxer muxer;
    private volatile boolean gone;
    private volatile Channel channel;
    // What the muxer wrote and is not sent yet; the muxer's output callback fills it.
    private ByteBuf pending = Unpooled.buffer(0);

    HttpMuxSession(MuxFormat format, StreamHub hub, HttpServerResponse res) {
        this.format = format;
        this.hub = hub;
        this.meters = hub.meters();
        this.res = res;
    }

    Mono<Void> run() {
        res.withConnection(connection -> {
            channel = connection.channel();
            connection.onDispose(() -> {
                gone = true;
                clientGone.tryEmitEmpty();
            });
        });
        return hub.joinLive()
                .takeUntilOther(clientGone.asMono())
                .concatMap(this::send, 0)
                .takeWhile(Boolean::booleanValue)
                .then(Mono.defer(this::end))
                .onErrorResume(this::failed)
                .doFinally(signal -> closeMuxer());
    }

    /** Muxes and writes one packet; false when this response must end here. */
    private Mono<Boolean> send(HubPacket hubPacket) {
        EncodedPacket packet = hubPacket.packet();
        if (muxer == null) {
            if (!format.carries(packet.codec())) {
                return MuxHandler.unsupported(res, format, hub.streamId(), packet.codec()).thenReturn(false);
            }
            muxer = PacketMuxer.toConsumer(format, packet.config(), this::take);
            res.status(HttpResponseStatus.OK)
                    .header(HttpHeaderNames.CONTENT_TYPE, format.contentType())
                    .header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            log.debug("stream {}: {} client started at keyframe #{}", hub.streamId(), format, packet.sequence());
        } else if (packet.config() != muxer.config() && !format.continuesAcross(muxer.config(), packet.config())) {
            log.info("stream {}: the encoder changed to {}; ending a {} client, which may reconnect",
                    hub.streamId(), packet.config(), format);
            return Mono.just(false);
        }
        muxer.write(packet);
        ByteBuf bytes = takePending();
        int size = bytes.readableBytes();
        return write(bytes).doOnSuccess(v -> {
            meters.bytesSent(size);
            meters.packetOnWire(packet.captureNanos());
            meters.stageTook(Stage.SEND, System.nanoTime() - hubPacket.receivedNanos());
        }).thenReturn(true);
    }

    /** The stream ended (or the client left): the container's trailer, if a client is still there. */
    private Mono<Void> end() {
        if (muxer == null) {
            if (res.hasSentHeaders()) {
                return Mono.empty();
            }
            return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .sendString(Mono.just("stream '" + hub.streamId() + "' ended before its first frame\n")).then();
        }
        closeMuxer();
        return write(takePending());
    }

    private Mono<Void> failed(Throwable e) {
        if (e instanceof MuxException && !res.hasSentHeaders()) {
            log.warn("stream {}: cannot serve {}: {}", hub.streamId(), format, e.getMessage());
            return res.status(HttpResponseStatus.INTERNAL_SERVER_ERROR)
                    .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .sendString(Mono.just(e.getMessage() + "\n")).then();
        }
        // A client that went away, or a stream that failed: this response ends, nothing else does.
        log.debug("stream {}: {} client ended: {}", hub.streamId(), format, e.toString());
        // After a failure the connection is cut rather than ended cleanly, so the player does not take it for the end.
        return gone ? Mono.empty() : Mono.error(e);
    }

    private Mono<Void> write(ByteBuf bytes) {
        if (!bytes.isReadable()) {
            return Mono.empty();
        }
        if (!res.hasSentHeaders()) {
            // The first chunk as a one-element Flux: Reactor Netty sends the headers, then the chunk.
            // (A first sendObject would go out as the whole body with its length; sendHeaders() ends
            // the body at once.)
            return res.send(Flux.just(bytes)).then();
        }
        // Later chunks straight to the channel, through the response encoder: Reactor Netty's
        // sendObject would send this chunk as a whole body. Completes when the chunk has reached the
        // socket, so a client that does not read holds this session's next packet back in the hub's
        // bounded queue, where it is dropped to a keyframe, and not in Netty's outbound buffer.
        Channel channel = this.channel;
        if (channel == null || !channel.isActive()) {
            bytes.release();
            return Mono.error(new IOException("the client has gone"));
        }
        return Mono.create(sink -> channel.writeAndFlush(new DefaultHttpContent(bytes)).addListener(done -> {
            if (done.isSuccess()) {
                sink.success();
            } else {
                sink.error(done.cause());
            }
        }));
    }

    private synchronized void take(ByteBuffer bytes) {
        pending.writeBytes(bytes);
    }

    private synchronized ByteBuf takePending() {
        ByteBuf taken = pending;
        pending = Unpooled.buffer(0);
        return taken;
    }

    private void closeMuxer() {
        PacketMuxer m = muxer;
        if (m != null) {
            m.close();
        }
    }
}
