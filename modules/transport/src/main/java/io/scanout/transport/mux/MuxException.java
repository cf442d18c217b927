package io.scanout.transport.mux;

/**
 * A container could not be written: the muxer refused the stream or a packet, or its output failed.
 * The message names the call and FFmpeg's error, e.g. {@code cannot write a packet to mpegts
 * (av_write_frame returned -32: Broken pipe)}.
 */
public class MuxException extends RuntimeException {
    public MuxException(String message) {
        super(message);
    }
}
