package io.scanout.capture.rfb;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads RFB's big-endian fields from a server's (buffered) stream. A stream that ends early throws
 * {@link java.io.EOFException}; callers that know which message they were in turn it into an
 * {@link RfbProtocolException} naming it. Not thread-safe: one connection thread reads.
 */
final class WireIn {
    private final DataInputStream in;
    private final byte[] scratch = new byte[8192];

    WireIn(InputStream in) {
        this.in = new DataInputStream(in);
    }

    int u8() throws IOException {
        return in.readUnsignedByte();
    }

    int u16() throws IOException {
        return in.readUnsignedShort();
    }

    int s32() throws IOException {
        return in.readInt();
    }

    long u32() throws IOException {
        return in.readInt() & 0xffffffffL;
    }

    void readFully(byte[] into, int offset, int length) throws IOException {
        in.readFully(into, offset, length);
    }

    /** Reads a 4-byte pixel as the little-endian int of its bytes, so {@code putInt} on a LE buffer stores them as sent. */
    int pixel32() throws IOException {
        return Integer.reverseBytes(in.readInt());
    }

    /** Reads a 2-byte pixel as the little-endian value of its bytes. */
    int pixel16() throws IOException {
        return Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
    }

    /** Reads and drops {@code count} bytes without allocating for them. */
    void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            int n = (int) Math.min(left, scratch.length);
            in.readFully(scratch, 0, n);
            left -= n;
        }
    }

    /**
     * Reads a length-prefixed string (a reason or a desktop name) of at most {@code max} bytes.
     *
     * @throws RfbProtocolException when the length is past {@code max}, before reading it
     */
    String string(int max, String what) throws IOException {
        long length = u32();
        if (length > max) {
            throw new RfbProtocolException(what + " is " + length + " bytes long, more than the " + max
                    + " this client takes");
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        // RFC 6143 says Latin-1 for names and reasons; servers send UTF-8 too, which Latin-1 reads without failing.
        // Control characters would let a server write lines of its own into our logs: they become '?'.
        return new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("[\\p{Cntrl}]", "?");
    }
}
