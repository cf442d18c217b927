package io.scanout.transport.rfb;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.security.ConnectionLimits;
import io.scanout.transport.security.SecuritySettings;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.tcp.TcpServer;

/**
 * VNC over TCP (RFB 3.8, RFC 6143) for one stream: what {@code --vnc-bind} starts. Every
 * connection is an {@link RfbSession} on the stream the supplier gives at that moment (so a
 * reloaded stream is served from the next connection on); security is {@link RfbSecurity}'s.
 * Its clients of a stream share the CPU copies of that stream's dma-buf pictures through an
 * {@link RfbDmaBufCopies}: the one given, which the caller owns and closes after this server, or
 * else one of the server's own, closed with it.
 *
 * <p>{@link #start} binds and returns; {@link #close()} stops listening and closes every client
 * connection. Both block briefly: call them from a startup or shutdown thread, not an event loop.
 */
public final class RfbServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RfbServer.class);
    private static final long CLOSE_GRACE_MILLIS = 1_000;

    private final DisposableServer server;
    private final ChannelGroup clients;
    /** The copies this server made for itself, closed with it; null when the caller gave them. */
    private final RfbDmaBufCopies ownCopies;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RfbServer(DisposableServer server, ChannelGroup clients, RfbDmaBufCopies ownCopies) {
        this.server = server;
        this.clients = clients;
        this.ownCopies = ownCopies;
    }

    /**
     * Listens on {@code host:port} (port 0 takes a free one, see {@link #port()}).
     *
     * @param stream   the stream to serve, looked up per connection; empty refuses the connection
     * @throws RuntimeException from Reactor Netty when the address cannot be bound
     */
    public static RfbServer start(String host, int port, Supplier<Optional<StreamEndpoint>> stream,
                                  RfbSecurity security) {
        SecuritySettings defaults = SecuritySettings.open();
        return start(host, port, stream, security,
                new ConnectionLimits(defaults.maxConnectionsPerClient(), defaults.maxConnections()));
    }

    /**
     * As {@link #start(String, int, Supplier, RfbSecurity)}, with {@code limits} on the connections
     * one client address and all clients may hold: a connection past them is closed at once.
     */
    public static RfbServer start(String host, int port, Supplier<Optional<StreamEndpoint>> stream,
                                  RfbSecurity security, ConnectionLimits limits) {
        RfbDmaBufCopies own = new RfbDmaBufCopies();
        try {
            return start(host, port, stream, security, limits, own, own);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /**
     * As {@link #start(String, int, Supplier, RfbSecurity, ConnectionLimits)}, its clients sharing
     * dma-buf picture copies through {@code copies} with the application's other RFB endpoints (an
     * {@link RfbWebSocketHandler}); the caller closes {@code copies} after this server.
     */
    public static RfbServer start(String host, int port, Supplier<Optional<StreamEndpoint>> stream,
                                  RfbSecurity security, ConnectionLimits limits, RfbDmaBufCopies copies) {
        return start(host, port, stream, security, limits, copies, null);
    }

    private static RfbServer start(String host, int port, Supplier<Optional<StreamEndpoint>> stream,
                                   RfbSecurity security, ConnectionLimits limits, RfbDmaBufCopies copies,
                                   RfbDmaBufCopies ownCopies) {
        if (host == null || host.isEmpty() || port < 0 || port > 0xffff || stream == null || security == null
                || limits == null || copies == null) {
            throw new IllegalArgumentException(
                    "an RFB server needs a host, a port in 0..65535, a stream, security, limits and dma-buf copies");
        }
        ChannelGroup clients = new DefaultChannelGroup("scanout-rfb", GlobalEventExecutor.INSTANCE);
        DisposableServer server = TcpServer.create()
                .host(host)
                .port(port)
                .doOnConnection(connection -> clients.add(connection.channel()))
                .handle((in, out) -> serve(in, out, stream, security, limits, copies))
                .bindNow();
        log.info("VNC (RFB 3.8) listening on {}:{}", server.host(), server.port());
        return new RfbServer(server, clients, ownCopies);
    }

    private static Publisher<Void> serve(NettyInbound in, NettyOutbound out, Supplier<Optional<StreamEndpoint>> stream,
                                         RfbSecurity security, ConnectionLimits limits, RfbDmaBufCopies copies) {
        Channel[] channel = new Channel[1];
        in.withConnection(connection -> channel[0] = connection.channel());
        Optional<StreamEndpoint> endpoint = stream.get();
        if (endpoint.isEmpty()) {
            log.warn("VNC client {} refused: the stream it would watch is not running", channel[0].remoteAddress());
            return Mono.empty();
        }
        ConnectionLimits.Acquired place = limits.tryAcquire(((InetSocketAddress) channel[0].remoteAddress()).getAddress());
        if (place.lease() == null) {
            log.warn("VNC client {} refused: {}", channel[0].remoteAddress(),
                    place.refusal() == ConnectionLimits.Refusal.PER_CLIENT
                            ? "too many connections from its address (at most " + limits.perClient() + ")"
                            : "the server is at its connection limit (" + limits.total() + ")");
            return Mono.empty();
        }
        ConnectionLimits.Lease lease = place.lease();
        RfbSession session = new RfbSession(endpoint.get(), security, copies, RfbWire.tcp(channel[0]),
                Schedulers.boundedElastic().createWorker());
        session.start();
        return in.receive()
                // Copied here: Reactor Netty releases the buffer once onNext returns.
                .doOnNext(buf -> session.received(InboundBytes.copy(buf)))
                .then()
                .onErrorResume(e -> {
                    log.debug("VNC connection ended: {}", e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    lease.close();
                    session.disconnected();
                });
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    /** Stops listening and closes every client, then the dma-buf copies it made for itself. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.disposeNow();
        clients.close().awaitUninterruptibly(CLOSE_GRACE_MILLIS);
        if (ownCopies != null) {
            ownCopies.close();
        }
    }
}
