package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.scanout.core.Frame;
import io.scanout.core.Rect;
import java.util.List;

/**
 * A picture client's pixel rectangles, in the encoding it prefers of the two this server has: ZRLE
 * when its list names ZRLE before Raw, else Raw. Owns the connection's ZRLE state (its zlib stream
 * lives as long as the connection, as the client's inflater does), made on first use and freed by
 * {@link #close()}.
 *
 * <p>Session worker only.
 */
final class PixelRectangles implements AutoCloseable {
    private ZrleEncoder zrle;

    /** Whether a client with these encodings, in its order of preference, gets ZRLE rather than Raw. */
    static boolean prefersZrle(List<Integer> encodings) {
        for (int e : encodings) {
            if (e == Encodings.ZRLE) {
                return true;
            }
            if (e == Encodings.RAW) {
                return false;
            }
        }
        return false;
    }

    /** Writes each rectangle of {@code pixels}, header and body, in {@code format}. */
    void write(ByteBuf update, Frame pixels, List<Rect> rects, PixelFormat format, boolean useZrle) {
        for (Rect r : rects) {
            update.writeShort(r.x()).writeShort(r.y()).writeShort(r.width()).writeShort(r.height())
                    .writeInt(useZrle ? Encodings.ZRLE : Encodings.RAW);
            if (useZrle) {
                if (zrle == null) {
                    zrle = new ZrleEncoder();
                }
                zrle.encode(pixels, r, format, update);
            } else {
                RawEncoder.encode(pixels, r, format, update);
            }
        }
    }

    /** Frees the ZRLE state. Idempotent. */
    @Override
    public void close() {
        if (zrle != null) {
            zrle.close();
            zrle = null;
        }
    }
}
