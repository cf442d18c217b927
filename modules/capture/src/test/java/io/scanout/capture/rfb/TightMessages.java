package io.scanout.capture.rfb;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes Tight rectangle bodies (what follows the rectangle header) the way a server does, for
 * 32-bit BGRX clients (TPIXELs of 3 bytes R, G, B): one test encoder per connection, its four
 * zlib streams persistent until a rectangle resets them. Pictures are 0xRRGGBB ints, row by row.
 */
final class TightMessages implements AutoCloseable {
    private final Deflater[] streams = {new Deflater(), new Deflater(), new Deflater(), new Deflater()};

    /** Tight's compact length: 7 bits a byte with a more-follows bit, then 8 bits in a third byte. */
    static byte[] compact(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        if (length < 0x4000) {
            return new byte[] {(byte) (length | 0x80), (byte) (length >>> 7)};
        }
        return new byte[] {(byte) (length | 0x80), (byte) (length >>> 7 | 0x80), (byte) (length >>> 14)};
    }

    static Wire tpixel(Wire w, int rgb) {
        return w.u8(rgb >>> 16 & 0xff).u8(rgb >>> 8 & 0xff).u8(rgb & 0xff);
    }

    Wire fill(Wire w, int rgb) {
        return tpixel(w.u8(0x80), rgb);
    }

    /** Basic compression with the Copy filter, implicit (no filter byte) as servers send it. */
    Wire copy(Wire w, int stream, boolean reset, int[] rgb) {
        control(w, stream, reset, false);
        byte[] data = new byte[rgb.length * 3];
        for (int i = 0; i < rgb.length; i++) {
            data[3 * i] = (byte) (rgb[i] >>> 16);
            data[3 * i + 1] = (byte) (rgb[i] >>> 8);
            data[3 * i + 2] = (byte) rgb[i];
        }
        return data(w, stream, data);
    }

    /** Palette filter over the picture's distinct colours (at most 256): a bitmask for 2, a byte a pixel else. */
    Wire palette(Wire w, int stream, boolean reset, int[] rgb, int width) {
        List<Integer> colours = new ArrayList<>();
        for (int p : rgb) {
            if (!colours.contains(p)) {
                colours.add(p);
            }
        }
        control(w, stream, reset, true).u8(TightDecoder.FILTER_PALETTE).u8(colours.size() - 1);
        for (int c : colours) {
            tpixel(w, c);
        }
        int height = rgb.length / width;
        if (colours.size() == 2) {
            int rowBytes = (width + 7) / 8;
            byte[] data = new byte[rowBytes * height];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    if (colours.indexOf(rgb[y * width + x]) == 1) {
                        data[y * rowBytes + x / 8] |= (byte) (0x80 >>> (x % 8));
                    }
                }
            }
            return data(w, stream, data);
        }
        byte[] data = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            data[i] = (byte) colours.indexOf(rgb[i]);
        }
        return data(w, stream, data);
    }

    /** Gradient filter: each component as its difference from left + above − above-left, clamped, mod 256. */
    Wire gradient(Wire w, int stream, boolean reset, int[] rgb, int width) {
        control(w, stream, reset, true).u8(TightDecoder.FILTER_GRADIENT);
        int height = rgb.length / width;
        byte[] data = new byte[rgb.length * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int k = 0; k < 3; k++) {
                    int shift = 16 - 8 * k;
                    int left = x > 0 ? rgb[y * width + x - 1] >>> shift & 0xff : 0;
                    int above = y > 0 ? rgb[(y - 1) * width + x] >>> shift & 0xff : 0;
                    int aboveLeft = x > 0 && y > 0 ? rgb[(y - 1) * width + x - 1] >>> shift & 0xff : 0;
                    int predicted = Math.max(0, Math.min(255, left + above - aboveLeft));
                    data[3 * (y * width + x) + k] = (byte) ((rgb[y * width + x] >>> shift & 0xff) - predicted);
                }
            }
        }
        return data(w, stream, data);
    }

    /** JPEG compression of the picture at the JDK writer's quality 0..1. */
    static Wire jpeg(Wire w, int[] rgb, int width, float quality) {
        byte[] jpeg = jpegBytes(rgb, width, quality);
        return w.u8(0x90).bytes(compact(jpeg.length)).bytes(jpeg);
    }

    static byte[] jpegBytes(int[] rgb, int width, float quality) {
        int height = rgb.length / width;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, rgb, 0, width);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private Wire control(Wire w, int stream, boolean reset, boolean explicitFilter) {
        if (reset) {
            streams[stream].reset();
        }
        return w.u8((reset ? 1 << stream : 0) | stream << 4 | (explicitFilter ? 0x40 : 0));
    }

    /** Filtered data: as it is under 12 bytes, else its compact length and the stream's sync-flushed bytes. */
    private Wire data(Wire w, int stream, byte[] data) {
        if (data.length < TightDecoder.MIN_TO_COMPRESS) {
            return w.bytes(data);
        }
        byte[] z = Wire.deflate(streams[stream], data);
        return w.bytes(compact(z.length)).bytes(z);
    }

    @Override
    public void close() {
        for (Deflater d : streams) {
            d.end();
        }
    }
}
