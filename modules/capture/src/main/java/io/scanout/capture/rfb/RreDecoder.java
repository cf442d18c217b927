package io.scanout.capture.rfb;

import java.io.IOException;

/** RRE encoding (RFC 6143 §7.7.3): a background colour and solid sub-rectangles. */
final class RreDecoder {
    private RreDecoder() {
    }

    /** Decodes a rectangle already checked against the framebuffer. */
    static void decode(WireIn in, Framebuffer fb, int x, int y, int w, int h) throws IOException {
        long count = in.u32();
        // More sub-rectangles than pixels is no picture a server means; it only makes the client read on.
        if (count > (long) w * h) {
            throw new RfbProtocolException("RRE rectangle " + w + "x" + h + " claims " + count
                    + " sub-rectangles, more than its " + (long) w * h + " pixels");
        }
        boolean wide = fb.bytesPerPixel() == 4;
        int background = wide ? in.pixel32() : in.pixel16();
        fb.fill(x, y, w, h, background);
        for (long i = 0; i < count; i++) {
            int pixel = wide ? in.pixel32() : in.pixel16();
            int sx = in.u16();
            int sy = in.u16();
            int sw = in.u16();
            int sh = in.u16();
            if (sx + sw > w || sy + sh > h) {
                throw new RfbProtocolException("RRE sub-rectangle " + i + " at " + sx + "," + sy + " " + sw + "x" + sh
                        + " lies outside its " + w + "x" + h + " rectangle");
            }
            fb.fill(x + sx, y + sy, sw, sh, pixel);
        }
    }
}
