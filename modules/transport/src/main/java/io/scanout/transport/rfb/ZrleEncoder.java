package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.scanout.core.Frame;
import io.scanout.core.Rect;
import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * The ZRLE encoding (RFC 6143 §7.7.6) for one connection: 64×64 tiles, each solid (one colour),
 * packed palette (2–16 colours) or raw CPIXELs, all through the connection's one zlib stream,
 * flushed at the end of every rectangle. The stream's state lives as long as the connection, as
 * the client's inflater does; {@link #close()} frees it.
 *
 * <p>Used by one thread at a time (the session's).
 */
final class ZrleEncoder implements AutoCloseable {
    private static final int MAX_PALETTE = 16;

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    private final ByteArrayOutputStream tiles = new ByteArrayOutputStream(64 * 1024);
    private final byte[] chunk = new byte[64 * 1024];
    private final int[] tile = new int[TileGrid.TILE * TileGrid.TILE];
    private final int[] palette = new int[MAX_PALETTE];
    private final int[] rowBuffer = new int[TileGrid.TILE];

    /** Writes the rectangle's body: its compressed length, then the compressed tiles. */
    void encode(Frame frame, Rect r, PixelFormat format, ByteBuf out) {
        tiles.reset();
        for (int ty = r.y(); ty < r.bottom(); ty += TileGrid.TILE) {
            int th = Math.min(TileGrid.TILE, r.bottom() - ty);
            for (int tx = r.x(); tx < r.right(); tx += TileGrid.TILE) {
                int tw = Math.min(TileGrid.TILE, r.right() - tx);
                for (int row = 0; row < th; row++) {
                    readInto(frame, tx, ty + row, tw, row * tw);
                }
                writeTile(tw, th, format);
            }
        }
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        deflater.setInput(tiles.toByteArray());
        int n;
        while ((n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0) {
            out.writeBytes(chunk, 0, n);
            if (n < chunk.length) {
                break;
            }
        }
        out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
    }

    private void readInto(Frame frame, int x, int y, int width, int at) {
        SourcePixels.readRow(frame, x, y, width, rowBuffer);
        System.arraycopy(rowBuffer, 0, tile, at, width);
    }

    private void writeTile(int width, int height, PixelFormat format) {
        int count = width * height;
        int colours = 0;
        for (int i = 0; i < count && colours <= MAX_PALETTE; i++) {
            int c = tile[i];
            if (indexOf(c, colours) < 0) {
                if (colours < MAX_PALETTE) {
                    palette[colours] = c;
                }
                colours++;
            }
        }
        byte[] cpixel = new byte[4];
        if (colours == 1) {
            tiles.write(1);
            writeCpixel(palette[0], format, cpixel);
        } else if (colours <= MAX_PALETTE) {
            tiles.write(colours);
            for (int i = 0; i < colours; i++) {
                writeCpixel(palette[i], format, cpixel);
            }
            int bits = colours == 2 ? 1 : colours <= 4 ? 2 : 4;
            for (int y = 0; y < height; y++) {
                int acc = 0;
                int filled = 0;
                for (int x = 0; x < width; x++) {
                    acc = acc << bits | indexOf(tile[y * width + x], colours);
                    filled += bits;
                    if (filled == 8) {
                        tiles.write(acc);
                        acc = 0;
                        filled = 0;
                    }
                }
                if (filled > 0) {
                    // Each row starts on a byte boundary: the last byte is padded on the right.
                    tiles.write(acc << (8 - filled));
                }
            }
        } else {
            tiles.write(0);
            for (int i = 0; i < count; i++) {
                writeCpixel(tile[i], format, cpixel);
            }
        }
    }

    private int indexOf(int colour, int colours) {
        for (int i = 0; i < Math.min(colours, MAX_PALETTE); i++) {
            if (palette[i] == colour) {
                return i;
            }
        }
        return -1;
    }

    private void writeCpixel(int rgb, PixelFormat format, byte[] scratch) {
        format.put(scratch, 0, format.pack(rgb));
        int offset = format.compactOffset();
        if (offset >= 0) {
            tiles.write(scratch, offset, 3);
        } else {
            tiles.write(scratch, 0, format.bytesPerPixel());
        }
    }

    @Override
    public void close() {
        deflater.end();
    }
}
