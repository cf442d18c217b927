package io.scanout.capture.rfb;

import java.io.IOException;

/**
 * A VNC server sent something this client cannot take: a truncated message, an encoding it did
 * not ask for, a rectangle outside the framebuffer, a length past what the framebuffer could need,
 * a corrupt zlib stream. The connection it came from is closed.
 *
 * <p>{@link #retryable()} says whether reconnecting may help: a broken message may be a one-off
 * (the source logs it and reconnects), a refused password or a pixel format with no DRM fourcc is
 * not (the source's flux ends with the error).
 */
public class RfbProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /** A retryable protocol error. */
    public RfbProtocolException(String message) {
        this(message, true, null);
    }

    public RfbProtocolException(String message, Throwable cause) {
        this(message, true, cause);
    }

    protected RfbProtocolException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** An error reconnecting will not cure, such as a server whose only pixel format has no DRM fourcc. */
    public static RfbProtocolException fatal(String message) {
        return new RfbProtocolException(message, false, null);
    }

    /** Whether the source reconnects after this error (true) or ends its flux with it (false). */
    public boolean retryable() {
        return retryable;
    }
}
