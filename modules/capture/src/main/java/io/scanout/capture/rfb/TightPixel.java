package io.scanout.capture.rfb;

/**
 * Tight's TPIXEL for one pixel format: 3 bytes R, G, B when the format is 32-bit true colour of
 * depth 24 with 8-bit channels (as the BGRX this client asks for), else a whole pixel as the
 * framebuffer stores it. Converts to the framebuffer's pixels — the little-endian int of their
 * memory bytes, as {@link Framebuffer#set} takes them — and to and from colour components, which
 * the Gradient filter and JPEG work in. Immutable.
 */
final class TightPixel {
    private final PixelFormat format;
    private final boolean packed;
    private final int bytes;
    private final int[] shift;
    private final int[] max;

    TightPixel(PixelFormat format) {
        this.format = format;
        this.packed = format.trueColour() && format.bitsPerPixel() == 32 && format.depth() == 24
                && format.redMax() == 255 && format.greenMax() == 255 && format.blueMax() == 255;
        this.bytes = packed ? 3 : format.bytesPerPixel();
        this.shift = new int[] {format.redShift(), format.greenShift(), format.blueShift()};
        this.max = new int[] {format.redMax(), format.greenMax(), format.blueMax()};
    }

    /** Bytes of one TPIXEL. */
    int bytes() {
        return bytes;
    }

    /** Whether a TPIXEL is the packed 3-byte R, G, B form. */
    boolean packed() {
        return packed;
    }

    /** The largest value of colour component {@code c} (0 red, 1 green, 2 blue). */
    int max(int c) {
        return max[c];
    }

    /** The TPIXEL at {@code data[offset]} as a framebuffer pixel. */
    int read(byte[] data, int offset) {
        if (packed) {
            return fromComponents(data[offset] & 0xff, data[offset + 1] & 0xff, data[offset + 2] & 0xff);
        }
        int memory = 0;
        for (int i = 0; i < bytes; i++) {
            memory |= (data[offset + i] & 0xff) << (8 * i);
        }
        return memory;
    }

    /** The colour components of the TPIXEL at {@code data[offset]}, each in 0..{@link #max}. */
    void components(byte[] data, int offset, int[] into) {
        if (packed) {
            into[0] = data[offset] & 0xff;
            into[1] = data[offset + 1] & 0xff;
            into[2] = data[offset + 2] & 0xff;
            return;
        }
        int value = value(read(data, offset));
        for (int c = 0; c < 3; c++) {
            into[c] = value >>> shift[c] & max[c];
        }
    }

    /** A framebuffer pixel of these components (each in 0..{@link #max}). */
    int fromComponents(int red, int green, int blue) {
        int value = red << shift[0] | green << shift[1] | blue << shift[2];
        if (!format.bigEndian()) {
            return value;
        }
        return format.bitsPerPixel() == 32 ? Integer.reverseBytes(value)
                : Short.toUnsignedInt(Short.reverseBytes((short) value));
    }

    /** A framebuffer pixel of an 0xRRGGBB colour, scaled to the format's component ranges. */
    int fromRgb(int rgb) {
        return fromComponents(scale(rgb >>> 16 & 0xff, max[0]), scale(rgb >>> 8 & 0xff, max[1]),
                scale(rgb & 0xff, max[2]));
    }

    private static int scale(int eightBit, int max) {
        return max == 255 ? eightBit : (eightBit * max + 127) / 255;
    }

    /** A pixel's value as a number whose bits the shifts address, from its memory int. */
    private int value(int memory) {
        if (!format.bigEndian()) {
            return memory;
        }
        return format.bitsPerPixel() == 32 ? Integer.reverseBytes(memory)
                : Short.toUnsignedInt(Short.reverseBytes((short) memory));
    }
}
