package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.scanout.core.input.CursorImage;

/**
 * The Cursor pseudo-encoding (RFC 6143 §7.8.1): the pointer's pixels in the client's format, then
 * a bitmask of which are opaque, one bit a pixel, each row padded to a byte. A hidden pointer is a
 * 0×0 cursor.
 */
final class CursorEncoder {
    private CursorEncoder() {
    }

    /** Writes the whole rectangle, header included. */
    static void encode(CursorImage cursor, PixelFormat format, ByteBuf out) {
        int w = cursor.isHidden() ? 0 : cursor.width();
        int h = cursor.isHidden() ? 0 : cursor.height();
        out.writeShort(w == 0 ? 0 : cursor.hotspotX()).writeShort(h == 0 ? 0 : cursor.hotspotY())
                .writeShort(w).writeShort(h).writeInt(Encodings.CURSOR);
        byte[] pixel = new byte[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int n = format.put(pixel, 0, format.pack(cursor.pixel(x, y) & 0xffffff));
                out.writeBytes(pixel, 0, n);
            }
        }
        int rowBytes = (w + 7) / 8;
        for (int y = 0; y < h; y++) {
            for (int bx = 0; bx < rowBytes; bx++) {
                int bits = 0;
                for (int i = 0; i < 8; i++) {
                    int x = bx * 8 + i;
                    if (x < w && cursor.pixel(x, y) >>> 24 != 0) {
                        bits |= 0x80 >>> i;
                    }
                }
                out.writeByte(bits);
            }
        }
    }
}
