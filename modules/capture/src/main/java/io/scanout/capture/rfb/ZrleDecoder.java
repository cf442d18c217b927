package io.scanout.capture.rfb;

import java.io.IOException;

/**
 * ZRLE encoding (RFC 6143 §7.7.6): 64x64 tiles in the connection's zlib stream, each raw, solid,
 * packed-palette, plain run-length or palette run-length. Pixels are CPIXELs — 3 bytes for the
 * 32-bit BGRX this client asks for.
 */
final class ZrleDecoder implements AutoCloseable {
    private static final int TILE = 64;

    private final ZlibStream zlib = new ZlibStream();
    private final int[] palette = new int[128];
    private final int compactBytes;
    private final int compactShift;

    ZrleDecoder(PixelFormat format) {
        this.compactBytes = format.compactBytes();
        this.compactShift = Math.max(0, format.compactOffset()) * 8;
    }

    /** The most compressed bytes a {@code w × h} rectangle could take: anything past this is a hostile length. */
    long maxCompressedBytes(int w, int h) {
        long tiles = (long) ((w + TILE - 1) / TILE) * ((h + TILE - 1) / TILE);
        // Per tile a subencoding byte and a palette; per pixel at worst a CPIXEL and a run byte.
        long decompressed = tiles * (1 + 127L * compactBytes) + (long) w * h * (compactBytes + 1);
        // Deflate's worst-case growth is a few bytes per 16 KiB block; doubling covers it and sync flushes.
        return 2 * decompressed + 1024;
    }

    /** Decodes a rectangle already checked against the framebuffer. */
    void decode(WireIn in, Framebuffer fb, int x, int y, int w, int h) throws IOException {
        long length = in.u32();
        long max = maxCompressedBytes(w, h);
        if (length > max) {
            throw new RfbProtocolException("ZRLE rectangle " + w + "x" + h + " claims " + length
                    + " compressed bytes, more than the " + max + " it could need");
        }
        zlib.begin(in, length);
        for (int ty = 0; ty < h; ty += TILE) {
            int th = Math.min(TILE, h - ty);
            for (int tx = 0; tx < w; tx += TILE) {
                tile(fb, x + tx, y + ty, Math.min(TILE, w - tx), th);
            }
        }
        zlib.end();
    }

    private void tile(Framebuffer fb, int x, int y, int w, int h) throws IOException {
        int subencoding = zlib.u8();
        if (subencoding == 0) {
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    fb.set(x + c, y + r, compactPixel());
                }
            }
        } else if (subencoding == 1) {
            fb.fill(x, y, w, h, compactPixel());
        } else if (subencoding <= 16) {
            packedPalette(fb, x, y, w, h, subencoding);
        } else if (subencoding == 128) {
            runs(fb, x, y, w, h, 0);
        } else if (subencoding >= 130) {
            runs(fb, x, y, w, h, subencoding - 128);
        } else {
            throw new RfbProtocolException("ZRLE tile at " + x + "," + y + " uses subencoding " + subencoding
                    + ", which RFC 6143 leaves unused");
        }
    }

    private void packedPalette(Framebuffer fb, int x, int y, int w, int h, int size) throws IOException {
        readPalette(size);
        int bits = size == 2 ? 1 : size <= 4 ? 2 : 4;
        int mask = (1 << bits) - 1;
        for (int r = 0; r < h; r++) {
            int bitsLeft = 0;
            int current = 0;
            for (int c = 0; c < w; c++) {
                if (bitsLeft == 0) {
                    // Each row starts on a byte boundary; indices fill a byte from its top bits down.
                    current = zlib.u8();
                    bitsLeft = 8;
                }
                bitsLeft -= bits;
                int index = current >>> bitsLeft & mask;
                if (index >= size) {
                    throw new RfbProtocolException("ZRLE packed-palette tile at " + x + "," + y + " uses index "
                            + index + " of a " + size + "-colour palette");
                }
                fb.set(x + c, y + r, palette[index]);
            }
        }
    }

    /** Plain run-length tiles ({@code paletteSize} 0) and palette run-length tiles. */
    private void runs(Framebuffer fb, int x, int y, int w, int h, int paletteSize) throws IOException {
        readPalette(paletteSize);
        int area = w * h;
        int done = 0;
        while (done < area) {
            int pixel;
            int run = 1;
            if (paletteSize == 0) {
                pixel = compactPixel();
                run = runLength(area - done, x, y);
            } else {
                int index = zlib.u8();
                if ((index & 128) != 0) {
                    index &= 127;
                    run = runLength(area - done, x, y);
                }
                if (index >= paletteSize) {
                    throw new RfbProtocolException("ZRLE palette run-length tile at " + x + "," + y + " uses index "
                            + index + " of a " + paletteSize + "-colour palette");
                }
                pixel = palette[index];
            }
            // A run wraps from one row of the tile to the next.
            while (run > 0) {
                int column = done % w;
                int n = Math.min(run, w - column);
                fb.fill(x + column, y + done / w, n, 1, pixel);
                run -= n;
                done += n;
            }
        }
    }

    private int runLength(int left, int x, int y) throws IOException {
        int length = 1;
        int b;
        do {
            b = zlib.u8();
            length += b;
            if (length > left) {
                throw new RfbProtocolException("ZRLE run of " + length + "+ pixels in the tile at " + x + "," + y
                        + " is longer than the " + left + " pixels left in it");
            }
        } while (b == 255);
        return length;
    }

    private void readPalette(int size) throws IOException {
        for (int i = 0; i < size; i++) {
            palette[i] = compactPixel();
        }
    }

    /** A CPIXEL as the little-endian int of the pixel's memory bytes. */
    private int compactPixel() throws IOException {
        if (compactBytes == 3) {
            return (zlib.u8() | zlib.u8() << 8 | zlib.u8() << 16) << compactShift;
        }
        if (compactBytes == 4) {
            return zlib.u8() | zlib.u8() << 8 | zlib.u8() << 16 | zlib.u8() << 24;
        }
        return zlib.u8() | zlib.u8() << 8;
    }

    @Override
    public void close() {
        zlib.close();
    }
}
