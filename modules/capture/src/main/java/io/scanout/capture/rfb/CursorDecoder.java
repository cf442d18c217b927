package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import java.io.IOException;

/** The Cursor pseudo-encoding (RFC 6143 §7.8.1): pixels in the wire format, then a 1-bit mask. */
final class CursorDecoder {
    private CursorDecoder() {
    }

    /**
     * Reads a cursor of {@code w × h} with its hotspot at {@code x,y}. The size is bounded by the
     * framebuffer's before anything is allocated: a pointer larger than the screen is no pointer.
     */
    static CursorImage decode(WireIn in, PixelFormat format, int fbWidth, int fbHeight, int x, int y, int w, int h)
            throws IOException {
        if (w > fbWidth || h > fbHeight) {
            throw new RfbProtocolException("Cursor of " + w + "x" + h + " is larger than the " + fbWidth + "x"
                    + fbHeight + " framebuffer");
        }
        int bpp = format.bytesPerPixel();
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            int memory = bpp == 4 ? in.pixel32() : bpp == 2 ? in.pixel16() : in.u8();
            argb[i] = format.argb(memory);
        }
        int maskRow = (w + 7) / 8;
        byte[] mask = new byte[maskRow];
        for (int r = 0; r < h; r++) {
            in.readFully(mask, 0, maskRow);
            for (int c = 0; c < w; c++) {
                // The mask's most significant bit is the leftmost pixel; 0 means transparent.
                if ((mask[c >>> 3] >>> (7 - (c & 7)) & 1) == 0) {
                    argb[r * w + c] &= 0x00ffffff;
                }
            }
        }
        return new CursorImage(Math.min(x, Math.max(0, w - 1)), Math.min(y, Math.max(0, h - 1)), w, h, argb);
    }
}
