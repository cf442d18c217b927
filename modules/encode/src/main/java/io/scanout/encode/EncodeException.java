package io.scanout.encode;

/**
 * An encoder could not be found, opened or fed: the message says what was asked (encoder, format,
 * size) and, for FFmpeg failures, which call returned which error, e.g. {@code cannot open libx264
 * for NV12 1280x720 (avcodec_open2 returned -22: Invalid argument)}. Unchecked: it travels through
 * {@code onError} of the encode stage.
 */
public class EncodeException extends RuntimeException {
    public EncodeException(String message) {
        super(message);
    }

    public EncodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
