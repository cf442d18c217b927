package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.scanout.core.Frame;
import io.scanout.core.Rect;

/** The Raw encoding (RFC 6143 §7.7.1): every pixel of the rectangle, row by row, in the client's format. */
final class RawEncoder {
    private RawEncoder() {
    }

    static void encode(Frame frame, Rect r, PixelFormat format, ByteBuf out) {
        int[] rgb = new int[r.width()];
        byte[] row = new byte[r.width() * format.bytesPerPixel()];
        for (int y = r.y(); y < r.bottom(); y++) {
            SourcePixels.readRow(frame, r.x(), y, r.width(), rgb);
            int at = 0;
            for (int i = 0; i < rgb.length; i++) {
                at = format.put(row, at, format.pack(rgb[i]));
            }
            out.writeBytes(row);
        }
    }
}
