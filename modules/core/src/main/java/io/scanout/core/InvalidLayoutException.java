package io.scanout.core;

/**
 * A plane layout that does not fit its format or its buffer. The message names the numbers
 * (plane, stride, row size, offsets, buffer size), so a bad source is found from the log alone.
 */
public final class InvalidLayoutException extends IllegalArgumentException {
    public InvalidLayoutException(String message) {
        super(message);
    }
}
