package io.scanout.capture.rfb;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;

/** Builds server messages byte by byte, as RFC 6143 lays them out, for tests. */
final class Wire {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    Wire u8(int v) {
        return run(() -> out.writeByte(v));
    }

    Wire u16(int v) {
        return run(() -> out.writeShort(v));
    }

    Wire u32(long v) {
        return run(() -> out.writeInt((int) v));
    }

    Wire s32(int v) {
        return run(() -> out.writeInt(v));
    }

    Wire bytes(byte[] b) {
        return run(() -> out.write(b));
    }

    Wire bytes(Wire other) {
        return bytes(other.toByteArray());
    }

    /** A 32-bit BGRX pixel of colour 0xRRGGBB, little-endian: B, G, R, 0. */
    Wire pixel(int rgb) {
        return u8(rgb & 0xff).u8(rgb >>> 8 & 0xff).u8(rgb >>> 16 & 0xff).u8(0);
    }

    /** A ZRLE CPIXEL of BGRX: B, G, R. */
    Wire cpixel(int rgb) {
        return u8(rgb & 0xff).u8(rgb >>> 8 & 0xff).u8(rgb >>> 16 & 0xff);
    }

    Wire rect(int x, int y, int w, int h, int encoding) {
        return u16(x).u16(y).u16(w).u16(h).s32(encoding);
    }

    /** A FramebufferUpdate header. */
    Wire update(int rectangles) {
        return u8(0).u8(0).u16(rectangles);
    }

    /** ZRLE data: its length and the deflated bytes, continuing {@code deflater}'s stream with a sync flush. */
    Wire zlib(Deflater deflater, byte[] data) {
        byte[] compressed = deflate(deflater, data);
        return u32(compressed.length).bytes(compressed);
    }

    static byte[] deflate(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            z.write(buffer, 0, n);
        } while (n == buffer.length || !deflater.needsInput());
        return z.toByteArray();
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }

    int size() {
        return bytes.size();
    }

    private interface Step {
        void write() throws IOException;
    }

    private Wire run(Step step) {
        try {
            step.write();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
