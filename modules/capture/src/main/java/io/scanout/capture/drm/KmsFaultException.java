package io.scanout.capture.drm;

/** A framebuffer failed validation; caught by the poller, per frame. */
final class KmsFaultException extends Exception {
    private final KmsFault fault;

    KmsFaultException(KmsFault fault, String message) {
        super(message, null, false, false);
        this.fault = fault;
    }

    KmsFault fault() {
        return fault;
    }
}
