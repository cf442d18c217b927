package io.scanout.capture.rfb;

import java.io.IOException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tight encoding (RFB encoding 7, as TightVNC, libvncserver and QEMU send it): a compression-control
 * byte whose low four bits reset the connection's four zlib streams, then one of
 * <ul>
 *   <li>Fill — one TPIXEL for the whole rectangle;</li>
 *   <li>JPEG — a baseline JPEG of the rectangle ({@link TightJpeg}); servers send it only to
 *       clients that ask for a JPEG quality level;</li>
 *   <li>Basic — pixels through a filter (Copy, Palette of 2 to 256 colours, Gradient), zlib-compressed
 *       in the stream the control byte names unless the filtered data is under 12 bytes.</li>
 * </ul>
 * Every length is checked against what the rectangle can need before anything is read or
 * allocated; filtered data is read a row at a time, so a rectangle costs one row of memory.
 * One per connection (the zlib streams persist across rectangles); confined to its thread.
 */
final class TightDecoder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TightDecoder.class);
    private static final String[] KINDS = {"Copy", "Palette", "Gradient", "Fill", "JPEG"};
    /** The largest length Tight's 1-to-3-byte compact form can write. */
    static final int MAX_COMPACT_LENGTH = (1 << 22) - 1;
    /** Filtered data shorter than this is sent as it is, without zlib and without a length. */
    static final int MIN_TO_COMPRESS = 12;
    static final int FILL = 8;
    static final int JPEG = 9;
    static final int FILTER_COPY = 0;
    static final int FILTER_PALETTE = 1;
    static final int FILTER_GRADIENT = 2;

    private final TightPixel tpixel;
    private final ZlibStream[] streams = new ZlibStream[4];
    private final TightJpeg jpeg;
    private final int[] palette = new int[256];
    private final byte[] tpixelBytes = new byte[4];
    private byte[] row = new byte[0];
    private int[] above = new int[0];
    private int[] current = new int[0];
    private final int[] diff = new int[3];
    /** The stream a Basic rectangle's data is read from, or null when it came uncompressed. */
    private ZlibStream source;
    private WireIn in;
    /** Which of {@link #KINDS} this connection has seen, one bit each: each is logged once, for diagnosis. */
    private int seen;

    TightDecoder(PixelFormat format) {
        this.tpixel = new TightPixel(format);
        for (int i = 0; i < streams.length; i++) {
            streams[i] = new ZlibStream("Tight stream " + i, "its pixels");
        }
        this.jpeg = new TightJpeg();
    }

    /** Reads Tight's compact length: 7 bits in each of the first two bytes (top bit: more follows), 8 in a third. */
    static int compactLength(WireIn in) throws IOException {
        int b = in.u8();
        int length = b & 0x7f;
        if ((b & 0x80) != 0) {
            b = in.u8();
            length |= (b & 0x7f) << 7;
            if ((b & 0x80) != 0) {
                length |= in.u8() << 14;
            }
        }
        return length;
    }

    /** The most compressed bytes {@code dataBytes} of filtered data can take (deflate, a flush, a stream header). */
    static long maxCompressedBytes(long dataBytes) {
        return Math.min(MAX_COMPACT_LENGTH, 2 * dataBytes + 1024);
    }

    /** Decodes a rectangle already checked against the framebuffer. */
    void decode(WireIn wire, Framebuffer fb, int x, int y, int w, int h) throws IOException {
        int control = wire.u8();
        for (int i = 0; i < streams.length; i++) {
            if ((control >>> i & 1) != 0) {
                streams[i].reset();
            }
        }
        int type = control >>> 4;
        if (type == FILL) {
            first(3, w, h);
            fb.fill(x, y, w, h, readTpixel(wire));
            return;
        }
        if (type == JPEG) {
            first(4, w, h);
            jpeg.decode(wire, fb, tpixel, x, y, w, h);
            return;
        }
        if (type > JPEG) {
            throw new RfbProtocolException(String.format("Tight rectangle %dx%d has compression control 0x%02x:"
                    + " type %d is none of Basic (0-7), Fill (8) or JPEG (9)", w, h, control, type));
        }
        int filter = (type & 4) != 0 ? wire.u8() : FILTER_COPY;
        ZlibStream stream = streams[type & 3];
        if (filter <= FILTER_GRADIENT) {
            first(filter, w, h);
        }
        switch (filter) {
            case FILTER_COPY:
                copy(wire, stream, fb, x, y, w, h);
                break;
            case FILTER_PALETTE:
                palette(wire, stream, fb, x, y, w, h);
                break;
            case FILTER_GRADIENT:
                gradient(wire, stream, fb, x, y, w, h);
                break;
            default:
                throw new RfbProtocolException("Tight rectangle " + w + "x" + h + " uses filter " + filter
                        + ", which is none of Copy (0), Palette (1) or Gradient (2)");
        }
    }

    private void copy(WireIn wire, ZlibStream stream, Framebuffer fb, int x, int y, int w, int h) throws IOException {
        int rowBytes = w * tpixel.bytes();
        begin(wire, stream, rowBytes, w, h);
        boolean asStored = tpixel.bytes() == fb.bytesPerPixel();
        for (int r = 0; r < h; r++) {
            read(row, rowBytes);
            if (asStored) {
                fb.putRow(x, y + r, w, row, 0);
            } else {
                for (int c = 0; c < w; c++) {
                    fb.set(x + c, y + r, tpixel.read(row, c * 3));
                }
            }
        }
        end();
    }

    private void palette(WireIn wire, ZlibStream stream, Framebuffer fb, int x, int y, int w, int h)
            throws IOException {
        int colours = wire.u8() + 1;
        for (int i = 0; i < colours; i++) {
            palette[i] = readTpixel(wire);
        }
        // Two colours are a bitmask, 8 pixels a byte from the top bit, each row padded to a byte; more are a byte each.
        boolean bitmask = colours == 2;
        int rowBytes = bitmask ? (w + 7) / 8 : w;
        begin(wire, stream, rowBytes, w, h);
        for (int r = 0; r < h; r++) {
            read(row, rowBytes);
            for (int c = 0; c < w; c++) {
                int index = bitmask ? row[c >>> 3] >>> (7 - (c & 7)) & 1 : row[c] & 0xff;
                if (index >= colours) {
                    throw new RfbProtocolException("Tight palette rectangle " + w + "x" + h + " uses index " + index
                            + " of a " + colours + "-colour palette at " + (x + c) + "," + (y + r));
                }
                fb.set(x + c, y + r, palette[index]);
            }
        }
        end();
    }

    /**
     * Gradient: each component is sent as its difference from the prediction left + above −
     * above-left (clamped to the component's range), modulo the range; outside the rectangle is 0.
     */
    private void gradient(WireIn wire, ZlibStream stream, Framebuffer fb, int x, int y, int w, int h)
            throws IOException {
        int bytes = tpixel.bytes();
        int rowBytes = w * bytes;
        begin(wire, stream, rowBytes, w, h);
        if (above.length < 3 * w) {
            above = new int[3 * w];
            current = new int[3 * w];
        }
        Arrays.fill(above, 0, 3 * w, 0);
        for (int r = 0; r < h; r++) {
            read(row, rowBytes);
            for (int c = 0; c < w; c++) {
                tpixel.components(row, c * bytes, diff);
                for (int k = 0; k < 3; k++) {
                    int max = tpixel.max(k);
                    int left = c == 0 ? 0 : current[3 * (c - 1) + k];
                    int aboveLeft = c == 0 ? 0 : above[3 * (c - 1) + k];
                    int predicted = Math.max(0, Math.min(max, left + above[3 * c + k] - aboveLeft));
                    // Ranges are 2^n - 1 in every true-colour format a framebuffer can have.
                    current[3 * c + k] = predicted + diff[k] & max;
                }
                fb.set(x + c, y + r, tpixel.fromComponents(current[3 * c], current[3 * c + 1], current[3 * c + 2]));
            }
            int[] swap = above;
            above = current;
            current = swap;
        }
        end();
    }

    /** Starts reading {@code h} rows of filtered data: as they are when short, else compressed in {@code stream}. */
    private void begin(WireIn wire, ZlibStream stream, int rowBytes, int w, int h) throws IOException {
        long dataBytes = (long) rowBytes * h;
        if (row.length < rowBytes) {
            // At most 4 bytes for each pixel of one row of the framebuffer.
            row = new byte[rowBytes];
        }
        in = wire;
        if (dataBytes < MIN_TO_COMPRESS) {
            source = null;
            return;
        }
        int length = compactLength(wire);
        long max = maxCompressedBytes(dataBytes);
        if (length > max) {
            throw new RfbProtocolException("Tight rectangle " + w + "x" + h + " claims " + length
                    + " compressed bytes for " + dataBytes + " bytes of pixels, more than the " + max
                    + " they could need");
        }
        source = stream;
        stream.begin(wire, length);
    }

    private void read(byte[] into, int count) throws IOException {
        if (source == null) {
            in.readFully(into, 0, count);
        } else {
            source.readFully(into, 0, count);
        }
    }

    private void end() throws IOException {
        if (source != null) {
            source.end();
        }
        source = null;
        in = null;
    }

    private void first(int kind, int w, int h) {
        if ((seen & 1 << kind) == 0) {
            seen |= 1 << kind;
            log.debug("first Tight {} rectangle on this connection ({}x{})", KINDS[kind], w, h);
        }
    }

    private int readTpixel(WireIn wire) throws IOException {
        wire.readFully(tpixelBytes, 0, tpixel.bytes());
        return tpixel.read(tpixelBytes, 0);
    }

    @Override
    public void close() {
        for (ZlibStream stream : streams) {
            stream.close();
        }
        jpeg.close();
    }
}
