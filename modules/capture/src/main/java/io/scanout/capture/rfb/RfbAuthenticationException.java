package io.scanout.capture.rfb;

/**
 * The VNC server refused this client: a wrong or missing password, or no security type both
 * sides know. Not retried — the source's flux ends with it, since asking again with the same
 * password would be refused again (and servers lock out clients that keep trying).
 */
public final class RfbAuthenticationException extends RfbProtocolException {
    private static final long serialVersionUID = 1L;

    public RfbAuthenticationException(String message) {
        super(message, false, null);
    }
}
