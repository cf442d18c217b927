package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The byte stream an RFB session writes to: a TCP connection, or a WebSocket whose binary messages
 * carry the same bytes (what noVNC and websockify do). Writes go straight to the Netty channel,
 * which is thread-safe and keeps their order; a write completes when its bytes reached the socket.
 */
final class RfbWire {
    private final Channel channel;
    private final boolean websocket;

    private RfbWire(Channel channel, boolean websocket) {
        this.channel = channel;
        this.websocket = websocket;
    }

    static RfbWire tcp(Channel channel) {
        return new RfbWire(channel, false);
    }

    static RfbWire websocket(Channel channel) {
        return new RfbWire(channel, true);
    }

    /** Writes and flushes; takes the buffer's reference. Any thread. */
    ChannelFuture write(ByteBuf bytes) {
        return channel.writeAndFlush(websocket ? new BinaryWebSocketFrame(bytes) : bytes);
    }

    /** Closes once what was written before has gone out. Any thread; idempotent. */
    void close() {
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        if (websocket) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "rfb session ended"))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.writeAndFlush(channel.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Whether TLS can start inside this connection (VeNCrypt): over TCP only. */
    boolean canStartTls() {
        return !websocket;
    }

    /**
     * Writes {@code lastPlain} in the clear, then puts TLS in front of everything after it. The
     * handler goes in on the event loop right after the write, before anything more is read, so
     * the client's first TLS record (sent only once it has {@code lastPlain}) meets it.
     */
    void startTls(ByteBuf lastPlain, SslContext tls) {
        write(lastPlain).addListener(f -> {
            if (f.isSuccess()) {
                channel.pipeline().addFirst("rfb-tls", tls.newHandler(channel.alloc()));
            }
        });
    }

    boolean isTls() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /** The client's address; null when the channel has none (an embedded channel in tests). */
    InetSocketAddress remoteAddress() {
        SocketAddress a = channel.remoteAddress();
        return a instanceof InetSocketAddress ? (InetSocketAddress) a : null;
    }

    String describe() {
        InetSocketAddress a = remoteAddress();
        return (a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort()) + (websocket ? " (WebSocket)" : " (TCP)");
    }
}
