package io.scanout.transport;

/**
 * A viewer broke the protocol in a way that ends its connection (and only its): the close code
 * and reason it is sent. The reason is cut to what a WebSocket close frame holds.
 */
final class ViewerViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** RFC 6455 §7.4.1: "an endpoint is terminating the connection due to a protocol error". */
    static final int PROTOCOL_ERROR = 1002;
    /** A close frame's reason is at most 123 bytes of UTF-8. */
    private static final int MAX_REASON_CHARS = 123;

    private final int closeCode;

    private ViewerViolation(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /** A POINTER or KEY that does not decode: close 1002, the reason says what was wrong. */
    static ViewerViolation malformedInput(String detail) {
        return new ViewerViolation(PROTOCOL_ERROR, "malformed input message: " + detail);
    }

    int closeCode() {
        return closeCode;
    }

    /** The message, ASCII-safe and short enough for a close frame. */
    String closeReason() {
        String reason = getMessage().replaceAll("[^\\x20-\\x7e]", "?");
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS - 3) + "...";
    }
}
