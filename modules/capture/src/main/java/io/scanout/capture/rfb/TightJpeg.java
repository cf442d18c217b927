package io.scanout.capture.rfb;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Tight's JPEG compression type: a baseline JPEG of exactly the rectangle, decoded with the JDK's
 * own JPEG reader ({@code javax.imageio}). The picture's size is read from its header and checked
 * against the rectangle before any pixels are decoded, so a hostile header cannot make the reader
 * allocate more than the rectangle. One per connection, confined to its thread.
 */
final class TightJpeg implements AutoCloseable {
    /** A JPEG's fixed cost: markers, quantisation and Huffman tables, with room for comments. */
    private static final int HEADER_ALLOWANCE = 64 * 1024;

    private ImageReader reader;
    private byte[] data = new byte[0];
    private int[] rgbRow = new int[0];

    /** The JDK's JPEG reader, made when the connection's first JPEG comes: most connections never see one. */
    private ImageReader reader() throws RfbProtocolException {
        if (reader == null) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
            if (!readers.hasNext()) {
                throw RfbProtocolException.fatal("this JDK has no JPEG reader (javax.imageio) for Tight's JPEG;"
                        + " leave out the jpeg parameter");
            }
            reader = readers.next();
        }
        return reader;
    }

    /** The most bytes a JPEG of a {@code w × h} rectangle can take: more than its raw 24-bit pixels is hostile. */
    static long maxBytes(int w, int h) {
        return Math.min(TightDecoder.MAX_COMPACT_LENGTH, 3L * w * h + HEADER_ALLOWANCE);
    }

    /** Reads a JPEG rectangle's length and data and draws it into a checked rectangle. */
    void decode(WireIn in, Framebuffer fb, TightPixel pixel, int x, int y, int w, int h) throws IOException {
        int length = TightDecoder.compactLength(in);
        long max = maxBytes(w, h);
        if (length > max) {
            throw new RfbProtocolException("Tight JPEG rectangle " + w + "x" + h + " claims " + length
                    + " bytes, more than the " + max + " it could need");
        }
        if (data.length < length) {
            data = new byte[length];
        }
        in.readFully(data, 0, length);
        BufferedImage image = read(length, w, h);
        if (rgbRow.length < w) {
            rgbRow = new int[w];
        }
        for (int r = 0; r < h; r++) {
            image.getRGB(0, r, w, 1, rgbRow, 0, w);
            for (int c = 0; c < w; c++) {
                fb.set(x + c, y + r, pixel.fromRgb(rgbRow[c]));
            }
        }
    }

    private BufferedImage read(int length, int w, int h) throws RfbProtocolException {
        ImageReader jpegReader = reader();
        try (ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(data, 0, length))) {
            jpegReader.setInput(stream, true, true);
            int width = jpegReader.getWidth(0);
            int height = jpegReader.getHeight(0);
            if (width != w || height != h) {
                throw new RfbProtocolException("Tight JPEG rectangle " + w + "x" + h + " holds a " + width + "x"
                        + height + " picture");
            }
            return jpegReader.read(0);
        } catch (RfbProtocolException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // The JDK's decoder meets hostile bytes with IIOException, and now and then with a runtime
            // exception of its own: either way it is the server's data that is broken.
            throw new RfbProtocolException("Tight JPEG rectangle " + w + "x" + h + " (" + length
                    + " bytes) cannot be decoded: " + e, e);
        } finally {
            jpegReader.setInput(null);
        }
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.dispose();
        }
    }
}
