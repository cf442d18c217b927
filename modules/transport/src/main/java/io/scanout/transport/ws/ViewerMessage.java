package io.scanout.transport.ws;

import io.scanout.core.CodecConfig;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.DisplaySizeSink;
import java.nio.ByteBuffer;

/**
 * A decoded viewer protocol message ({@code docs/protocol.md}); {@link ViewerMessages#decode}
 * makes them. Immutable.
 */
public sealed interface ViewerMessage {

    /**
     * Type 1, server to viewer: what the decoder needs before the next packet.
     *
     * @param flags {@link ViewerMessages#CONFIG_FLAG_INPUT}: the server acts on this viewer's
     *              POINTER and KEY messages; {@link ViewerMessages#CONFIG_FLAG_WINDOW_SIZE}: on its
     *              WINDOW_SIZE; other bits 0
     */
    record Config(CodecConfig config, int flags) implements ViewerMessage {
        /** A configuration with no flags: a viewer that may only watch. */
        public Config(CodecConfig config) {
            this(config, 0);
        }

        /** Whether the server takes this viewer's pointer and keys. */
        public boolean inputAllowed() {
            return (flags & ViewerMessages.CONFIG_FLAG_INPUT) != 0;
        }

        /** Whether the server passes this viewer's window size to the source. */
        public boolean windowSizeAllowed() {
            return (flags & ViewerMessages.CONFIG_FLAG_WINDOW_SIZE) != 0;
        }
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

    /**
     * Type 5, viewer to server: the pointer is at {@code x,y} (pixels of the video as decoded) with
     * these buttons down ({@link io.scanout.core.input.InputSink} masks, bits 0–7).
     */
    record Pointer(int x, int y, int buttons) implements ViewerMessage {
    }

    /** Type 6, viewer to server: the key with this X11 keysym went down or up. */
    record Key(int keysym, boolean down) implements ViewerMessage {
    }

    /** Type 7, server to viewer: the pointer's shape to draw at the viewer's pointer; 0x0 is hidden. */
    record Cursor(CursorImage image) implements ViewerMessage {
    }

    /**
     * Type 8, server to viewer: where the source's pointer is — its hotspot's pixel on a display of
     * the position's size (source pixels), for sources that move the pointer themselves.
     */
    record CursorPosition(io.scanout.core.input.CursorPosition position) implements ViewerMessage {
    }

    /**
     * Type 9, viewer to server: the display size this viewer would like (its drawing area in
     * device pixels), for a source that can change size ({@link DisplaySizeSink}).
     */
    record WindowSize(int width, int height) implements ViewerMessage {
    }
}
