package io.scanout.capture.drm;

import com.sun.jna.LastErrorException;
import io.scanout.core.nativeio.LibC;

/** A DRM device could not be opened or read: names the device, the call and the errno. Ends a KMS source's flux. */
public final class DrmException extends RuntimeException {
    private final int errno;

    public DrmException(String message) {
        super(message);
        this.errno = 0;
    }

    public DrmException(String what, LastErrorException cause) {
        super(LibC.describe(what, cause), cause);
        this.errno = cause.getErrorCode();
    }

    /** The errno of the failed call, 0 when no call failed. */
    public int errno() {
        return errno;
    }
}
