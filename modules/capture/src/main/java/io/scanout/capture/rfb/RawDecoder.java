package io.scanout.capture.rfb;

import java.io.IOException;

/** Raw encoding (RFC 6143 §7.7.1): rows of pixels, copied straight into the framebuffer. */
final class RawDecoder {
    private byte[] row = new byte[0];

    /** Decodes a rectangle already checked against the framebuffer. */
    void decode(WireIn in, Framebuffer fb, int x, int y, int w, int h) throws IOException {
        int bytes = w * fb.bytesPerPixel();
        if (row.length < bytes) {
            // w is at most the framebuffer's width, so this is at most one row of it.
            row = new byte[bytes];
        }
        for (int r = 0; r < h; r++) {
            in.readFully(row, 0, bytes);
            fb.putRow(x, y + r, w, row, 0);
        }
    }
}
