package io.scanout.transport.ws;

/**
 * A viewer protocol message that cannot be read: too short, an unknown type or version, a field
 * out of range. The message says which and the numbers involved.
 */
public final class ViewerProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ViewerProtocolException(String message) {
        super(message);
    }
}
