package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Bytes a client sent that no message has consumed yet. RFB client messages are at most a few
 * kilobytes (the longest, SetEncodings, is bounded by {@link RfbSession#MAX_ENCODINGS}); clipboard
 * text is skipped as it arrives, never held. So the buffer is bounded: a client that gets
 * {@value #MAX_BYTES} bytes ahead of the parser is cut off rather than buffered.
 *
 * <p>One thread at a time (the session's).
 */
final class InboundBytes {
    static final int MAX_BYTES = 1 << 20;

    private byte[] data = new byte[4096];
    private int start;
    private int end;
    private long skipping;

    /** Appends the readable bytes of {@code bytes} (not released here). */
    void append(byte[] bytes) throws RfbProtocolException {
        int offset = 0;
        if (skipping > 0) {
            int n = (int) Math.min(skipping, bytes.length);
            skipping -= n;
            offset = n;
        }
        int length = bytes.length - offset;
        if (length == 0) {
            return;
        }
        if (available() + length > MAX_BYTES) {
            throw new RfbProtocolException("the client sent " + (available() + length)
                    + " bytes ahead of what this server has read (at most " + MAX_BYTES + ")");
        }
        if (end + length > data.length) {
            int needed = available() + length;
            byte[] target = needed > data.length ? new byte[Math.max(needed, data.length * 2)] : data;
            System.arraycopy(data, start, target, 0, available());
            end = available();
            start = 0;
            data = target;
        }
        System.arraycopy(bytes, offset, data, end, length);
        end += length;
    }

    static byte[] copy(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    int available() {
        return end - start;
    }

    /** A big-endian view of the next {@code n} bytes, consumed; call only when {@link #available()} ≥ n. */
    ByteBuffer take(int n) {
        ByteBuffer view = ByteBuffer.wrap(data, start, n).slice();
        start += n;
        return view;
    }

    /** The unsigned byte {@code i} bytes ahead, not consumed. */
    int peek(int i) {
        return data[start + i] & 0xff;
    }

    /** Drops the next {@code n} bytes, now or as they arrive. */
    void skip(long n) {
        int now = (int) Math.min(n, available());
        start += now;
        skipping = n - now;
    }

    /** Whether bytes are still being skipped (nothing can be parsed until they are). */
    boolean isSkipping() {
        return skipping > 0;
    }
}
