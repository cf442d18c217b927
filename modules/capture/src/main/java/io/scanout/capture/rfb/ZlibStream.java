package io.scanout.capture.rfb;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One of a connection's zlib streams: ZRLE's one (RFC 6143 §7.7.6) or one of Tight's four. Every
 * rectangle's data continues the same stream, so one {@link Inflater} lives as long as the
 * connection (Tight may {@link #reset()} it).
 *
 * <p>A rectangle's compressed bytes are read from the socket in chunks as its tiles need them,
 * never all at once: a rectangle of any claimed length costs two fixed buffers. Confined to the
 * connection's thread.
 */
final class ZlibStream implements AutoCloseable {
    private final Inflater inflater = new Inflater();
    private final String name;
    private final String contents;
    private final byte[] input = new byte[16 * 1024];
    private final byte[] output = new byte[64 * 1024];
    private int outputPosition;
    private int outputLimit;
    private WireIn source;
    private long remaining;
    private long length;

    /** ZRLE's stream. */
    ZlibStream() {
        this("ZRLE", "its tiles");
    }

    /**
     * A stream whose errors name it and what a rectangle's data holds: {@code "ZRLE", "its tiles"}
     * or {@code "Tight stream 2", "its pixels"}.
     */
    ZlibStream(String name, String contents) {
        this.name = name;
        this.contents = contents;
    }

    /** Starts a rectangle whose compressed data is the next {@code compressedLength} bytes of {@code in}. */
    void begin(WireIn in, long compressedLength) {
        this.source = in;
        this.remaining = compressedLength;
        this.length = compressedLength;
        this.outputPosition = 0;
        this.outputLimit = 0;
    }

    int u8() throws IOException {
        if (outputPosition == outputLimit) {
            refill();
        }
        return output[outputPosition++] & 0xff;
    }

    /** Fills {@code into} with the next {@code count} decompressed bytes. */
    void readFully(byte[] into, int offset, int count) throws IOException {
        int done = 0;
        while (done < count) {
            if (outputPosition == outputLimit) {
                refill();
            }
            int n = Math.min(count - done, outputLimit - outputPosition);
            System.arraycopy(output, outputPosition, into, offset + done, n);
            outputPosition += n;
            done += n;
        }
    }

    /** Starts the stream afresh, as Tight's compression-control byte asks before a rectangle. */
    void reset() {
        inflater.reset();
    }

    /** Inflates more output; it is an error for the rectangle's bytes to run out first. */
    private void refill() throws IOException {
        outputPosition = 0;
        outputLimit = 0;
        while (true) {
            int produced = inflate();
            if (produced > 0) {
                outputLimit = produced;
                return;
            }
            if (inflater.finished()) {
                throw new RfbProtocolException("the " + name + " zlib stream ended (Z_STREAM_END) inside a rectangle;"
                        + " it must run for the whole connection");
            }
            if (inflater.needsDictionary()) {
                throw new RfbProtocolException("the " + name
                        + " zlib stream asks for a preset dictionary, which RFB never uses");
            }
            if (!inflater.needsInput()) {
                throw new RfbProtocolException("the " + name + " zlib stream made no progress on its input");
            }
            if (remaining == 0) {
                throw new RfbProtocolException("a " + name + " rectangle's " + length
                        + " compressed bytes decompress to less data than " + contents + " need");
            }
            feed();
        }
    }

    private int inflate() throws RfbProtocolException {
        try {
            return inflater.inflate(output);
        } catch (DataFormatException e) {
            throw new RfbProtocolException("the " + name + " zlib stream is corrupt: " + e.getMessage(), e);
        }
    }

    private void feed() throws IOException {
        int n = (int) Math.min(input.length, remaining);
        source.readFully(input, 0, n);
        remaining -= n;
        inflater.setInput(input, 0, n);
    }

    /**
     * Ends a rectangle: reads the rest of its compressed bytes through the inflater so the stream
     * stays in step for the next rectangle.
     *
     * @throws RfbProtocolException when the data decompresses to more than the tiles used: a
     *                              broken server, or a zlib bomb this stops at its first extra byte
     */
    void end() throws IOException {
        int unused = outputLimit - outputPosition;
        outputPosition = 0;
        outputLimit = 0;
        while (unused == 0) {
            unused = inflate();
            if (unused > 0 || remaining == 0 || inflater.finished() || inflater.needsDictionary()) {
                break;
            }
            feed();
        }
        source = null;
        if (unused > 0) {
            throw new RfbProtocolException("a " + name + " rectangle's " + length
                    + " compressed bytes hold more data than " + contents + " (" + unused + "+ bytes left over)");
        }
        if (remaining > 0) {
            throw new RfbProtocolException("the " + name + " zlib stream ended with " + remaining + " of a rectangle's "
                    + length + " compressed bytes unread");
        }
    }

    @Override
    public void close() {
        inflater.end();
    }
}
