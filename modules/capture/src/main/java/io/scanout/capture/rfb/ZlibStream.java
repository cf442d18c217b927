package io.scanout.capture.rfb;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The connection's one zlib stream for ZRLE (RFC 6143 §7.7.6): every ZRLE rectangle's data
 * continues the same stream, so one {@link Inflater} lives as long as the connection.
 *
 * <p>A rectangle's compressed bytes are read from the socket in chunks as its tiles need them,
 * never all at once: a rectangle of any claimed length costs two fixed buffers. Confined to the
 * connection's thread.
 */
final class ZlibStream implements AutoCloseable {
    private final Inflater inflater = new Inflater();
    private final byte[] input = new byte[16 * 1024];
    private final byte[] output = new byte[64 * 1024];
    private int outputPosition;
    private int outputLimit;
    private WireIn source;
    private long remaining;
    private long length;

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
                throw new RfbProtocolException("the ZRLE zlib stream ended (Z_STREAM_END) inside a rectangle;"
                        + " it must run for the whole connection");
            }
            if (inflater.needsDictionary()) {
                throw new RfbProtocolException("the ZRLE zlib stream asks for a preset dictionary, which RFB never uses");
            }
            if (!inflater.needsInput()) {
                throw new RfbProtocolException("the ZRLE zlib stream made no progress on its input");
            }
            if (remaining == 0) {
                throw new RfbProtocolException("a ZRLE rectangle's " + length
                        + " compressed bytes decompress to less data than its tiles need");
            }
            feed();
        }
    }

    private int inflate() throws RfbProtocolException {
        try {
            return inflater.inflate(output);
        } catch (DataFormatException e) {
            throw new RfbProtocolException("the ZRLE zlib stream is corrupt: " + e.getMessage(), e);
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
            throw new RfbProtocolException("a ZRLE rectangle's " + length
                    + " compressed bytes hold more data than its tiles (" + unused + "+ bytes left over)");
        }
        if (remaining > 0) {
            throw new RfbProtocolException("the ZRLE zlib stream ended with " + remaining + " of a rectangle's "
                    + length + " compressed bytes unread");
        }
    }

    @Override
    public void close() {
        inflater.end();
    }
}
