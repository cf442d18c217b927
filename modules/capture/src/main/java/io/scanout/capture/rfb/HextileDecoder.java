package io.scanout.capture.rfb;

import java.io.IOException;

/** Hextile encoding (RFC 6143 §7.7.4): 16x16 tiles, each raw or a background with sub-rectangles. */
final class HextileDecoder {
    private static final int RAW = 1;
    private static final int BACKGROUND_SPECIFIED = 2;
    private static final int FOREGROUND_SPECIFIED = 4;
    private static final int ANY_SUBRECTS = 8;
    private static final int SUBRECTS_COLOURED = 16;
    private static final int TILE = 16;

    private final byte[] row = new byte[TILE * 4];

    /** Decodes a rectangle already checked against the framebuffer. */
    void decode(WireIn in, Framebuffer fb, int x, int y, int w, int h) throws IOException {
        boolean wide = fb.bytesPerPixel() == 4;
        // Colours carry over from tile to tile; a server that never sets them gets black, not an error.
        int background = 0;
        int foreground = 0;
        for (int ty = 0; ty < h; ty += TILE) {
            int th = Math.min(TILE, h - ty);
            for (int tx = 0; tx < w; tx += TILE) {
                int tw = Math.min(TILE, w - tx);
                int mask = in.u8();
                if ((mask & RAW) != 0) {
                    int bytes = tw * fb.bytesPerPixel();
                    for (int r = 0; r < th; r++) {
                        in.readFully(row, 0, bytes);
                        fb.putRow(x + tx, y + ty + r, tw, row, 0);
                    }
                    continue;
                }
                if ((mask & BACKGROUND_SPECIFIED) != 0) {
                    background = wide ? in.pixel32() : in.pixel16();
                }
                fb.fill(x + tx, y + ty, tw, th, background);
                if ((mask & FOREGROUND_SPECIFIED) != 0) {
                    foreground = wide ? in.pixel32() : in.pixel16();
                }
                if ((mask & ANY_SUBRECTS) == 0) {
                    continue;
                }
                int count = in.u8();
                boolean coloured = (mask & SUBRECTS_COLOURED) != 0;
                for (int i = 0; i < count; i++) {
                    int pixel = coloured ? (wide ? in.pixel32() : in.pixel16()) : foreground;
                    int xy = in.u8();
                    int wh = in.u8();
                    int sx = xy >>> 4;
                    int sy = xy & 15;
                    int sw = (wh >>> 4) + 1;
                    int sh = (wh & 15) + 1;
                    if (sx + sw > tw || sy + sh > th) {
                        throw new RfbProtocolException("Hextile sub-rectangle " + i + " at " + sx + "," + sy + " "
                                + sw + "x" + sh + " lies outside its " + tw + "x" + th + " tile at "
                                + (x + tx) + "," + (y + ty));
                    }
                    fb.fill(x + tx + sx, y + ty + sy, sw, sh, pixel);
                }
            }
        }
    }
}
