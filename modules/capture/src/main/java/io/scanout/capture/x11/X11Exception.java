package io.scanout.capture.x11;

import java.io.IOException;

/** The X server could not be opened or captured: no such display, a format with no DRM fourcc, a lost connection. */
public final class X11Exception extends IOException {
    private static final long serialVersionUID = 1L;

    public X11Exception(String message) {
        super(message);
    }
}
