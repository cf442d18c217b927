package io.scanout.capture.rfb;

import io.scanout.core.DrmFormat;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * RFB's PIXEL_FORMAT (RFC 6143 §7.4): how a pixel travels on the wire. This client stores pixels
 * in its framebuffer exactly as they arrive, so the wire format must be one with a DRM fourcc
 * ({@link #drmFormat()}): 32-bit B,G,R,X ({@code XR24}) or R,G,B,X ({@code XB24}) in memory, or
 * little-endian 16-bit 5:6:5 ({@code RG16}).
 */
record PixelFormat(int bitsPerPixel, int depth, boolean bigEndian, boolean trueColour,
                   int redMax, int greenMax, int blueMax, int redShift, int greenShift, int blueShift) {
    /** What this client asks for: 32-bit little-endian, red at bit 16, green 8, blue 0 — DRM's XRGB8888. */
    static final PixelFormat BGRX = new PixelFormat(32, 24, false, true, 255, 255, 255, 16, 8, 0);

    static PixelFormat read(WireIn in) throws IOException {
        int bpp = in.u8();
        int depth = in.u8();
        boolean bigEndian = in.u8() != 0;
        boolean trueColour = in.u8() != 0;
        int redMax = in.u16();
        int greenMax = in.u16();
        int blueMax = in.u16();
        int redShift = in.u8();
        int greenShift = in.u8();
        int blueShift = in.u8();
        in.skip(3);
        return new PixelFormat(bpp, depth, bigEndian, trueColour, redMax, greenMax, blueMax,
                redShift, greenShift, blueShift);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeByte(bitsPerPixel);
        out.writeByte(depth);
        out.writeByte(bigEndian ? 1 : 0);
        out.writeByte(trueColour ? 1 : 0);
        out.writeShort(redMax);
        out.writeShort(greenMax);
        out.writeShort(blueMax);
        out.writeByte(redShift);
        out.writeByte(greenShift);
        out.writeByte(blueShift);
        out.write(new byte[3]);
    }

    int bytesPerPixel() {
        return bitsPerPixel / 8;
    }

    /** The DRM format whose memory layout equals this wire format's, if there is one. */
    Optional<DrmFormat> drmFormat() {
        if (!trueColour) {
            return Optional.empty();
        }
        if (bitsPerPixel == 32 && redMax == 255 && greenMax == 255 && blueMax == 255) {
            int r = memoryByte(redShift);
            int g = memoryByte(greenShift);
            int b = memoryByte(blueShift);
            if (b == 0 && g == 1 && r == 2) {
                return Optional.of(DrmFormat.XR24);
            }
            if (r == 0 && g == 1 && b == 2) {
                return Optional.of(DrmFormat.XB24);
            }
        }
        if (bitsPerPixel == 16 && !bigEndian && redMax == 31 && greenMax == 63 && blueMax == 31
                && redShift == 11 && greenShift == 5 && blueShift == 0) {
            return Optional.of(DrmFormat.RG16);
        }
        return Optional.empty();
    }

    /** Which byte in memory (0..3) holds the 8 bits at this shift of a 32-bit pixel, or -1 if unaligned. */
    private int memoryByte(int shift) {
        if (shift % 8 != 0 || shift > 24) {
            return -1;
        }
        int significance = shift / 8;
        return bigEndian ? 3 - significance : significance;
    }

    /**
     * Bytes of ZRLE's CPIXEL: 3 when a 32-bit true-colour pixel of depth ≤ 24 keeps its colour in
     * the three least or the three most significant bytes (RFC 6143 §7.7.6), else a whole pixel.
     */
    int compactBytes() {
        return compactOffset() >= 0 ? 3 : bytesPerPixel();
    }

    /** Where in a pixel's 4 memory bytes the 3 bytes of a CPIXEL go, or -1 when a CPIXEL is a whole pixel. */
    int compactOffset() {
        if (!trueColour || bitsPerPixel != 32 || depth > 24 || redShift > 31 || greenShift > 31 || blueShift > 31) {
            return -1;
        }
        long colourBits = ((long) redMax << redShift) | ((long) greenMax << greenShift) | ((long) blueMax << blueShift);
        boolean low = (colourBits & ~0xffffffL) == 0;
        boolean high = (colourBits & 0xffL) == 0 && colourBits <= 0xffffffffL;
        if (low) {
            return bigEndian ? 1 : 0;
        }
        if (high) {
            return bigEndian ? 0 : 1;
        }
        return -1;
    }

    /** Opaque 0xAARRGGBB of a pixel held as the little-endian int of its memory bytes. */
    int argb(int memoryValue) {
        int value;
        if (bitsPerPixel == 32) {
            value = bigEndian ? Integer.reverseBytes(memoryValue) : memoryValue;
        } else if (bitsPerPixel == 16) {
            value = bigEndian ? Short.toUnsignedInt(Short.reverseBytes((short) memoryValue)) : memoryValue & 0xffff;
        } else {
            value = memoryValue & 0xff;
        }
        return 0xff000000 | scale(value >>> redShift & redMax, redMax) << 16
                | scale(value >>> greenShift & greenMax, greenMax) << 8 | scale(value >>> blueShift & blueMax, blueMax);
    }

    private static int scale(int component, int max) {
        return max == 0 ? 0 : (component * 255 + max / 2) / max;
    }

    /** Whether a server's format is one this client can read at all (checked before anything is allocated). */
    void checkReadable(String whose) throws RfbProtocolException {
        if (bitsPerPixel != 8 && bitsPerPixel != 16 && bitsPerPixel != 32) {
            throw new RfbProtocolException(whose + " pixel format has " + bitsPerPixel
                    + " bits per pixel; RFB allows 8, 16 or 32");
        }
    }

    @Override
    public String toString() {
        return bitsPerPixel + "bpp depth " + depth + (bigEndian ? " big-endian" : " little-endian")
                + (trueColour ? " true-colour max " + redMax + "/" + greenMax + "/" + blueMax + " shift "
                + redShift + "/" + greenShift + "/" + blueShift : " colour-map");
    }
}
