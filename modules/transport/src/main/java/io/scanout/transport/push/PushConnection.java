package io.scanout.transport.push;

import io.scanout.core.EncodedPacket;
import io.scanout.transport.mux.MuxException;
import io.scanout.transport.mux.PacketMuxer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a {@link StreamPusher} to its target: opened on the first packet (a keyframe,
 * whose configuration the container declares), re-opened when the encoder's configuration changes
 * in a way the container cannot follow, closed once.
 *
 * <p>Threads: {@link #write} runs on the pusher's own thread and blocks on the network (each call
 * at most the timeout). {@link #close()} may come from any thread: it interrupts a blocked call first,
 * so it returns promptly.
 */
final class PushConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushConnection.class);

    private final PushTarget target;
    private final String streamId;
    private final long timeoutMillis;
    private final Runnable connected;
    private volatile PacketMuxer muxer;
    private volatile boolean closed;

    /**
     * @param connected called on the pusher's thread each time a connection is made
     */
    PushConnection(PushTarget target, String streamId, long timeoutMillis, Runnable connected) {
        this.target = target;
        this.streamId = streamId;
        this.timeoutMillis = timeoutMillis;
        this.connected = connected;
    }

    /**
     * Sends one packet, connecting first if need be.
     *
     * @throws MuxException when the connection or the write fails (the pusher reconnects), or
     *                      {@link UnsupportedCodecException} when the container cannot carry the codec
     */
    void write(EncodedPacket packet) {
        if (closed) {
            return;
        }
        PacketMuxer current = muxer;
        if (current != null && packet.config() != current.config()
                && !current.config().equals(packet.config())
                && !target.format().continuesAcross(current.config(), packet.config())) {
            log.info("stream {}: the encoder changed to {}; reconnecting to {}", streamId, packet.config(), target);
            muxer = null;
            current.close();
            current = null;
        }
        if (current == null) {
            if (!target.format().carries(packet.codec())) {
                throw new UnsupportedCodecException("cannot push " + packet.codec() + " to " + target + ": "
                        + target.format() + " carries " + target.format().codecs());
            }
            current = PacketMuxer.toUrl(target.format(), packet.config(), target.url(), target.shown(), Map.of(),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            muxer = current;
            if (closed) {
                // Closed while connecting: this connection is not wanted any more.
                current.close();
                return;
            }
            connected.run();
        }
        current.write(packet);
    }

    /** Ends the connection: interrupts a blocked call, then ends the container and frees it. Idempotent. */
    @Override
    public void close() {
        closed = true;
        PacketMuxer current = muxer;
        if (current != null) {
            current.interrupt();
            current.close();
        }
    }

    /** The stream's codec is one the target's container cannot carry: retrying will not help. */
    static final class UnsupportedCodecException extends MuxException {
        UnsupportedCodecException(String message) {
            super(message);
        }
    }
}
