package io.scanout.encode.internal;

import java.util.Arrays;

/**
 * Reads a bitstream most significant bit first, as the H.264, HEVC, VP9 and AV1 specifications
 * write their headers. Reading past the end is an {@link IllegalArgumentException} naming where, not
 * an index error. Not thread-safe: one reader per parse.
 */
final class BitReader {
    private final byte[] data;
    private final int end;
    private long position;

    BitReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + data.length + " B");
        }
        this.data = data;
        this.end = offset + length;
        this.position = (long) offset * 8;
    }

    BitReader(byte[] data) {
        this(data, 0, data.length);
    }

    /** The next {@code n} bits (0..32) as an unsigned number. */
    long bits(int n) {
        if (n < 0 || n > 32) {
            throw new IllegalArgumentException("cannot read " + n + " bits at once");
        }
        if (position + n > (long) end * 8) {
            throw new IllegalArgumentException("header ends early: " + n + " more bits wanted at bit " + position
                    + " of " + (long) end * 8);
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            int bit = data[(int) (position >>> 3)] >> (7 - (int) (position & 7)) & 1;
            value = value << 1 | bit;
            position++;
        }
        return value;
    }

    int bit() {
        return (int) bits(1);
    }

    boolean flag() {
        return bits(1) == 1;
    }

    void skip(long n) {
        if (position + n > (long) end * 8) {
            throw new IllegalArgumentException("header ends early: cannot skip " + n + " bits at bit " + position);
        }
        position += n;
    }

    /** Exp-Golomb {@code ue(v)} of H.264 and HEVC. */
    long unsignedExpGolomb() {
        int zeros = 0;
        while (bit() == 0) {
            zeros++;
            if (zeros > 31) {
                throw new IllegalArgumentException("exp-Golomb code longer than 32 bits at bit " + position);
            }
        }
        return (1L << zeros) - 1 + bits(zeros);
    }

    /** AV1's {@code uvlc()}. */
    long uvlc() {
        int zeros = 0;
        while (bit() == 0) {
            zeros++;
            if (zeros >= 32) {
                return (1L << 32) - 1;
            }
        }
        return (1L << zeros) - 1 + bits(zeros);
    }

    /** The bit position from the start of the array. */
    long position() {
        return position;
    }

    /**
     * An H.264/HEVC NAL unit's payload without emulation prevention bytes ({@code 00 00 03} becomes
     * {@code 00 00}): the RBSP the syntax tables describe.
     */
    static byte[] unescape(byte[] unit, int offset, int length) {
        byte[] out = new byte[length];
        int n = 0;
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = unit[i];
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            out[n++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return Arrays.copyOf(out, n);
    }
}
