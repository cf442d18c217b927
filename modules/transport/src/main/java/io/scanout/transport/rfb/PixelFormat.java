package io.scanout.transport.rfb;

import java.nio.ByteBuffer;

/**
 * A client's PIXEL_FORMAT (RFC 6143 §7.4) and how this server writes a colour in it. True colour
 * only (8, 16 or 32 bits per pixel, either byte order); colour maps are refused, as most servers do.
 * Immutable.
 */
record PixelFormat(int bitsPerPixel, int depth, boolean bigEndian, boolean trueColour,
                   int redMax, int greenMax, int blueMax, int redShift, int greenShift, int blueShift) {
    /** What ServerInit announces: 32 bits, depth 24, little-endian, red at bit 16 — DRM's XRGB8888. */
    static final PixelFormat SERVER = new PixelFormat(32, 24, false, true, 255, 255, 255, 16, 8, 0);
    static final int WIRE_BYTES = 16;

    /** Reads the 16 bytes of a PIXEL_FORMAT and checks that this server can write it. */
    static PixelFormat read(ByteBuffer in) throws RfbProtocolException {
        int bpp = in.get() & 0xff;
        int depth = in.get() & 0xff;
        boolean bigEndian = in.get() != 0;
        boolean trueColour = in.get() != 0;
        int redMax = in.getShort() & 0xffff;
        int greenMax = in.getShort() & 0xffff;
        int blueMax = in.getShort() & 0xffff;
        int redShift = in.get() & 0xff;
        int greenShift = in.get() & 0xff;
        int blueShift = in.get() & 0xff;
        in.position(in.position() + 3);
        PixelFormat f = new PixelFormat(bpp, depth, bigEndian, trueColour, redMax, greenMax, blueMax,
                redShift, greenShift, blueShift);
        f.check();
        return f;
    }

    private void check() throws RfbProtocolException {
        if (bitsPerPixel != 8 && bitsPerPixel != 16 && bitsPerPixel != 32) {
            throw new RfbProtocolException("SetPixelFormat with " + bitsPerPixel + " bits per pixel; RFB allows 8, 16, 32");
        }
        if (!trueColour) {
            throw new RfbProtocolException("SetPixelFormat asks for a colour map; this server sends true colour only");
        }
        checkComponent("red", redMax, redShift);
        checkComponent("green", greenMax, greenShift);
        checkComponent("blue", blueMax, blueShift);
    }

    private void checkComponent(String name, int max, int shift) throws RfbProtocolException {
        // A max of 2^n - 1 that fits, with its shift, inside the pixel.
        if (max == 0 || (max & (max + 1)) != 0 || shift >= bitsPerPixel
                || 32 - Integer.numberOfLeadingZeros(max) + shift > bitsPerPixel) {
            throw new RfbProtocolException("SetPixelFormat: " + name + " max " + max + " at shift " + shift
                    + " does not fit a " + bitsPerPixel + "-bit pixel");
        }
    }

    int bytesPerPixel() {
        return bitsPerPixel / 8;
    }

    /** The pixel value of an opaque colour {@code 0xRRGGBB}, in this format's bits (not yet in its byte order). */
    int pack(int rgb) {
        return scale(rgb >>> 16 & 0xff, redMax) << redShift
                | scale(rgb >>> 8 & 0xff, greenMax) << greenShift
                | scale(rgb & 0xff, blueMax) << blueShift;
    }

    private static int scale(int component, int max) {
        return max == 255 ? component : (component * max + 127) / 255;
    }

    /** Writes a packed pixel value as the client's bytes, whole. */
    int put(byte[] dst, int offset, int value) {
        switch (bitsPerPixel) {
            case 32:
                if (bigEndian) {
                    dst[offset] = (byte) (value >>> 24);
                    dst[offset + 1] = (byte) (value >>> 16);
                    dst[offset + 2] = (byte) (value >>> 8);
                    dst[offset + 3] = (byte) value;
                } else {
                    dst[offset] = (byte) value;
                    dst[offset + 1] = (byte) (value >>> 8);
                    dst[offset + 2] = (byte) (value >>> 16);
                    dst[offset + 3] = (byte) (value >>> 24);
                }
                return offset + 4;
            case 16:
                dst[offset] = (byte) (bigEndian ? value >>> 8 : value);
                dst[offset + 1] = (byte) (bigEndian ? value : value >>> 8);
                return offset + 2;
            default:
                dst[offset] = (byte) value;
                return offset + 1;
        }
    }

    /**
     * Bytes of ZRLE's CPIXEL: 3 when a 32-bit true-colour pixel of depth ≤ 24 keeps all its colour
     * bits in the three least or three most significant bytes (RFC 6143 §7.7.6), else a whole pixel.
     */
    int compactBytes() {
        return compactOffset() >= 0 ? 3 : bytesPerPixel();
    }

    /** Where in a pixel's 4 bytes, as written, the 3 bytes of a CPIXEL start; -1 when a CPIXEL is a whole pixel. */
    int compactOffset() {
        if (bitsPerPixel != 32 || depth > 24) {
            return -1;
        }
        long colourBits = ((long) redMax << redShift) | ((long) greenMax << greenShift) | ((long) blueMax << blueShift);
        if ((colourBits & ~0xffffffL) == 0) {
            return bigEndian ? 1 : 0;
        }
        if ((colourBits & 0xffL) == 0) {
            return bigEndian ? 0 : 1;
        }
        return -1;
    }

    void write(ByteBuffer out) {
        out.put((byte) bitsPerPixel).put((byte) depth).put((byte) (bigEndian ? 1 : 0)).put((byte) (trueColour ? 1 : 0))
                .putShort((short) redMax).putShort((short) greenMax).putShort((short) blueMax)
                .put((byte) redShift).put((byte) greenShift).put((byte) blueShift)
                .put((byte) 0).put((byte) 0).put((byte) 0);
    }

    @Override
    public String toString() {
        return bitsPerPixel + "bpp depth " + depth + (bigEndian ? " big-endian" : " little-endian")
                + " max " + redMax + "/" + greenMax + "/" + blueMax + " shift " + redShift + "/" + greenShift + "/"
                + blueShift;
    }
}
