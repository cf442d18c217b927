package io.scanout.convert;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;

/** Reads and writes the 10-bit codes of a P010 frame (16-bit little-endian samples, 10 significant high bits). */
final class P010 {
    private final ByteBuffer bytes;
    private final PlaneLayout layout;

    P010(Frame frame) {
        if (frame.format() != DrmFormat.P010) {
            throw new IllegalArgumentException("not P010: " + frame);
        }
        this.bytes = frame.buffer();
        this.layout = frame.layout();
    }

    int y(int x, int y) {
        return (bytes.getShort((int) layout.offset(0) + y * layout.stride(0) + 2 * x) & 0xffff) >> 6;
    }

    int cb(int cx, int cy) {
        return (bytes.getShort((int) layout.offset(1) + cy * layout.stride(1) + 4 * cx) & 0xffff) >> 6;
    }

    int cr(int cx, int cy) {
        return (bytes.getShort((int) layout.offset(1) + cy * layout.stride(1) + 4 * cx + 2) & 0xffff) >> 6;
    }

    /** The low six bits of a luma sample, which P010 keeps zero. */
    int yLowBits(int x, int y) {
        return bytes.getShort((int) layout.offset(0) + y * layout.stride(0) + 2 * x) & 0x3f;
    }

    void set(int x, int y, int luma) {
        bytes.putShort((int) layout.offset(0) + y * layout.stride(0) + 2 * x, (short) (luma << 6));
    }

    void setChroma(int cx, int cy, int cb, int cr) {
        int at = (int) layout.offset(1) + cy * layout.stride(1) + 4 * cx;
        bytes.putShort(at, (short) (cb << 6)).putShort(at + 2, (short) (cr << 6));
    }
}
