package io.scanout.transport;

/**
 * A running stream's encoder, as {@code POST /streams/{id}/encoder} changes it: target bitrate and
 * nominal frame rate, applied before the encoder's next frame without dropping viewers. The
 * transport only reads the request; the implementation (the server's stream) checks the values.
 */
public interface EncoderControl {
    /** The encoder's rates now, with every change made so far. */
    Rates rates();

    /**
     * Changes what is given and leaves the rest; both values are checked before either is applied.
     *
     * @param bitrate bits per second as {@code --bitrate} takes it ({@code 2M}, {@code 800k},
     *                {@code 2000000}), or null to keep it
     * @param fps     frames per second, or null to keep it
     * @return the rates now
     * @throws IllegalArgumentException naming the value that is wrong; nothing changed
     */
    Rates change(String bitrate, Integer fps);

    /**
     * An encoder's rates, as the route answers them.
     *
     * @param bitrate target bits per second
     * @param fps     nominal frames per second
     */
    record Rates(long bitrate, int fps) {
    }
}
