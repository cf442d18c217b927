package io.scanout.capture.x11;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An X Window Dump ({@code xwd -root}), read for the 24/32-bit TrueColor ZPixmaps Xvfb makes; and
 * written, to show a picture of our own with {@code xwud}. The reference a captured frame is
 * compared with, pixel by pixel.
 */
public final class XwdImage {
    private final int width;
    private final int height;
    private final int[] rgb;

    public XwdImage(int width, int height, int[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** Parses a dump: ZPixmap, 32 bits per pixel, TrueColor with 8-bit masks, either byte order. */
    public static XwdImage parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.BIG_ENDIAN);
        int headerSize = b.getInt(0);
        int version = b.getInt(4);
        int format = b.getInt(8);
        int width = b.getInt(16);
        int height = b.getInt(20);
        int byteOrder = b.getInt(28);
        int bitsPerPixel = b.getInt(44);
        int bytesPerLine = b.getInt(48);
        int redMask = b.getInt(56);
        int greenMask = b.getInt(60);
        int blueMask = b.getInt(64);
        int colours = b.getInt(76);
        if (version != 7 || format != 2 || bitsPerPixel != 32) {
            throw new IllegalArgumentException("an XWD of version " + version + ", format " + format + ", "
                    + bitsPerPixel + " bpp: only version 7 ZPixmaps of 32 bpp are read here");
        }
        int data = headerSize + 12 * colours;
        ByteBuffer pixels = ByteBuffer.wrap(file, data, bytesPerLine * height)
                .order(byteOrder == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int[] rgb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = pixels.getInt(data + y * bytesPerLine + x * 4);
                rgb[y * width + x] = component(p, redMask) << 16 | component(p, greenMask) << 8 | component(p, blueMask);
            }
        }
        return new XwdImage(width, height, rgb);
    }

    private static int component(int pixel, int mask) {
        return (pixel & mask) >>> Integer.numberOfTrailingZeros(mask) & 0xff;
    }

    /** This picture as an XWD file (LSB-first 32-bit TrueColor), e.g. for {@code xwud -in}. */
    public byte[] toXwd() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            byte[] name = "scanout\0".getBytes(StandardCharsets.ISO_8859_1);
            int[] header = {100 + name.length, 7, 2, 24, width, height, 0, 0, 32, 0, 32, 32, width * 4, 4,
                0xff0000, 0x00ff00, 0x0000ff, 8, 256, 0, width, height, 0, 0, 0};
            for (int h : header) {
                out.writeInt(h);
            }
            out.write(name);
            for (int p : rgb) {
                out.writeInt(Integer.reverseBytes(p));
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A pixel's colour, {@code 0xRRGGBB}. */
    public int rgb(int x, int y) {
        return rgb[y * width + x];
    }
}
