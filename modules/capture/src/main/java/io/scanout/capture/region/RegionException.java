package io.scanout.capture.region;

/**
 * The region source cannot go on: the region cannot be opened or mapped, its file changed size,
 * or the producer did not answer within the timeout. Ends the flux through {@code onError}; a
 * pipeline's retry opens the region afresh.
 */
public final class RegionException extends RuntimeException {
    public RegionException(String message) {
        super(message);
    }

    public RegionException(String message, Throwable cause) {
        super(message, cause);
    }
}
