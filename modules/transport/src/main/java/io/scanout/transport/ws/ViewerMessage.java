package io.scanout.transport.ws;

import io.scanout.core.CodecConfig;
import java.nio.ByteBuffer;

/**
 * A decoded viewer protocol message ({@code docs/protocol.md}); {@link ViewerMessages#decode}
 * makes them. Immutable.
 */
public sealed interface ViewerMessage {

    /** Type 1, server to viewer: what the decoder needs before the next packet. */
    record Config(CodecConfig config) implements ViewerMessage {
    }

    /**
     * Type 2, server to viewer: one encoded frame.
     *
     * @param captureEpochMicros when the frame was captured, server clock, UNIX epoch µs
     * @param sendEpochMicros    when the server framed this message, same clock
     * @param payload            the bitstream (Annex B), a read-only view of the message
     */
    record Packet(boolean keyframe, long sequence, long ptsMicros, long captureEpochMicros, long sendEpochMicros,
                  ByteBuffer payload) implements ViewerMessage {
    }

    /** Type 3, viewer to server: the viewer's clock, ms since the UNIX epoch (fractional). */
    record Ping(double clientMillis) implements ViewerMessage {
    }

    /** Type 4, server to viewer: the ping's time echoed, and the server's clock in epoch µs. */
    record Pong(double clientMillis, long serverEpochMicros) implements ViewerMessage {
    }
}
