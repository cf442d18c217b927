package io.scanout.convert;

/**
 * A frame the converter cannot take or libswscale refused, named with its format and size and,
 * for a native failure, the call and its return value. The stage goes on with the next frame.
 */
public final class ConvertException extends RuntimeException {
    public ConvertException(String message) {
        super(message);
    }
}
