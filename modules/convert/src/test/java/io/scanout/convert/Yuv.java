package io.scanout.convert;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;

/** Reads samples of an 8-bit NV12 or YU12 frame, and writes them for YUV inputs. */
final class Yuv {
    private final Frame frame;
    private final ByteBuffer bytes;
    private final PlaneLayout layout;

    Yuv(Frame frame) {
        if (frame.format() != DrmFormat.NV12 && frame.format() != DrmFormat.YU12) {
            throw new IllegalArgumentException("not NV12 or YU12: " + frame);
        }
        this.frame = frame;
        this.bytes = frame.buffer();
        this.layout = frame.layout();
    }

    int y(int x, int y) {
        return bytes.get(yAt(x, y)) & 0xff;
    }

    int cb(int cx, int cy) {
        return bytes.get(cbAt(cx, cy)) & 0xff;
    }

    int cr(int cx, int cy) {
        return bytes.get(crAt(cx, cy)) & 0xff;
    }

    void set(int x, int y, int luma) {
        bytes.put(yAt(x, y), (byte) luma);
    }

    void setChroma(int cx, int cy, int cb, int cr) {
        bytes.put(cbAt(cx, cy), (byte) cb);
        bytes.put(crAt(cx, cy), (byte) cr);
    }

    int width() {
        return frame.width();
    }

    int height() {
        return frame.height();
    }

    int chromaWidth() {
        return (frame.width() + 1) / 2;
    }

    int chromaHeight() {
        return (frame.height() + 1) / 2;
    }

    private int yAt(int x, int y) {
        check(x, y, frame.width(), frame.height());
        return (int) layout.offset(0) + y * layout.stride(0) + x;
    }

    private int cbAt(int cx, int cy) {
        check(cx, cy, chromaWidth(), chromaHeight());
        return frame.format() == DrmFormat.NV12
                ? (int) layout.offset(1) + cy * layout.stride(1) + 2 * cx
                : (int) layout.offset(1) + cy * layout.stride(1) + cx;
    }

    private int crAt(int cx, int cy) {
        check(cx, cy, chromaWidth(), chromaHeight());
        return frame.format() == DrmFormat.NV12
                ? (int) layout.offset(1) + cy * layout.stride(1) + 2 * cx + 1
                : (int) layout.offset(2) + cy * layout.stride(2) + cx;
    }

    private static void check(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || x >= w || y >= h) {
            throw new IndexOutOfBoundsException(x + "," + y + " outside " + w + "x" + h);
        }
    }
}
