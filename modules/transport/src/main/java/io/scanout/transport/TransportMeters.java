package io.scanout.transport;

import io.micrometer.core.instrument.Counter;
import io.scanout.core.metrics.StreamMeters;

/**
 * The transport's own meters, beside the stream's {@link StreamMeters}, all tagged like them:
 * <ul>
 *   <li>{@code scanout.viewer.messages.ignored} — counter of viewer messages the server did not
 *       act on, tag {@code reason} ({@code text}, {@code fragmented}, {@code malformed},
 *       {@code unexpected}, {@code input-not-allowed}, {@code rate-limited},
 *       {@code source-unavailable}, {@code size-unsupported}).</li>
 * </ul>
 * Registering is idempotent in Micrometer, so looking a counter up again returns the same one.
 * Thread-safe.
 */
final class TransportMeters {
    static final String MESSAGES_IGNORED = "scanout.viewer.messages.ignored";

    /** A viewer sent a text frame. */
    static final String TEXT = "text";
    /** A viewer sent a message in several frames (the protocol's messages are one frame each). */
    static final String FRAGMENTED = "fragmented";
    /** A binary message that does not decode (short, other version, unknown type). */
    static final String MALFORMED = "malformed";
    /** A valid message a viewer should not send (CONFIG, PACKET, PONG). */
    static final String UNEXPECTED = "unexpected";
    /** A POINTER or KEY from a viewer that may only watch. */
    static final String INPUT_NOT_ALLOWED = "input-not-allowed";
    /** A POINTER or KEY past the viewer's input rate ({@link InputRateLimit}). */
    static final String RATE_LIMITED = "rate-limited";
    /** A POINTER or KEY the source could not take: not connected, or its queue full. */
    static final String SOURCE_UNAVAILABLE = "source-unavailable";
    /** A WINDOW_SIZE for a stream that takes none: its source cannot change size, or its settings forbid input. */
    static final String SIZE_UNSUPPORTED = "size-unsupported";

    static Counter messagesIgnored(StreamMeters meters, String reason) {
        return Counter.builder(MESSAGES_IGNORED)
                .description("viewer messages the server did not act on")
                .tags(meters.tags()).tag("reason", reason)
                .register(meters.registry());
    }

    private TransportMeters() {
    }
}
