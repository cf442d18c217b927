package io.scanout.capture.vfio;

import com.sun.jna.LastErrorException;
import io.scanout.core.nativeio.LibC;

/**
 * A VFIO device could not be opened or used: the message names the device, the step and, for a
 * failed system call, the errno and its text. Ends a VFIO source's flux through {@code onError}.
 */
public final class VfioException extends RuntimeException {
    private final int errno;

    public VfioException(String message) {
        super(message);
        this.errno = 0;
    }

    /** {@code what}: errno N (text), keeping the errno for callers that branch on it. */
    public VfioException(String what, LastErrorException cause) {
        super(LibC.describe(what, cause), cause);
        this.errno = cause.getErrorCode();
    }

    /** The errno of the failed call, 0 when no call failed. */
    public int errno() {
        return errno;
    }
}
