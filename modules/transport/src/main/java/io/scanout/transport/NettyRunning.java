package io.scanout.transport;

import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;

/** {@link HttpTransport.Running} over a Reactor Netty server and the connections it accepted. */
final class NettyRunning implements HttpTransport.Running {
    private static final long GRACE_MILLIS = 1_000;

    private final DisposableServer server;
    private final Sinks.Empty<Void> closing;
    private final ChannelGroup viewerChannels;
    private final ChannelGroup allChannels;
    private final AtomicBoolean closed = new AtomicBoolean();

    NettyRunning(DisposableServer server, Sinks.Empty<Void> closing, ChannelGroup viewerChannels,
                 ChannelGroup allChannels) {
        this.server = server;
        this.closing = closing;
        this.viewerChannels = viewerChannels;
        this.allChannels = allChannels;
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Viewers get a close frame first (one joining meanwhile gets it at once), answer it and go;
        // whoever has not within the grace is cut off with the listening socket.
        closing.tryEmitEmpty();
        viewerChannels.newCloseFuture().awaitUninterruptibly(GRACE_MILLIS);
        server.disposeNow();
        allChannels.close().awaitUninterruptibly(GRACE_MILLIS);
    }

    @Override
    public boolean isDisposed() {
        return closed.get();
    }
}
