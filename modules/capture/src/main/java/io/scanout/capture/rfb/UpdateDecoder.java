package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import io.scanout.core.Damage;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one FramebufferUpdate (RFC 6143 §7.6.1) into the framebuffer: each rectangle checked
 * against the framebuffer's size, then handed to its encoding's decoder; pseudo-encodings resize
 * the framebuffer or report the cursor. The damage is exactly the rectangles the server sent.
 * One per connection (ZRLE's zlib stream and Tight's four live here); confined to the connection's thread.
 */
final class UpdateDecoder implements AutoCloseable {
    /** With LastRect a server need not say how many rectangles follow; past this many it is not drawing. */
    static final int MAX_OPEN_RECTANGLES = 1 << 20;
    private static final int UNKNOWN_COUNT = 0xffff;

    /** Where rectangles go; implemented by the connection, which owns the framebuffer. */
    interface Target {
        Framebuffer framebuffer();

        /** Replaces the framebuffer with a new, black one of this size. */
        void resize(int width, int height);

        void cursor(CursorImage cursor);
    }

    /**
     * One decoded update.
     *
     * @param damage       the rectangles drawn, or whole when the framebuffer was resized
     * @param resized      whether the update changed the framebuffer's size
     * @param arrivalNanos {@link System#nanoTime()} when its first byte was read
     */
    record Update(Damage damage, boolean resized, long arrivalNanos) {
    }

    private final PixelFormat format;
    private final RawDecoder raw = new RawDecoder();
    private final HextileDecoder hextile = new HextileDecoder();
    private final ZrleDecoder zrle;
    private final TightDecoder tight;
    private String where = "its header";

    UpdateDecoder(PixelFormat format) {
        this.format = format;
        this.zrle = new ZrleDecoder(format);
        this.tight = new TightDecoder(format);
    }

    /** Which part of the update was being read, for the message of an error that interrupts it. */
    String where() {
        return where;
    }

    /** Reads the update's body; its message-type byte was read at {@code arrivalNanos}. */
    Update read(WireIn in, Target target, long arrivalNanos) throws IOException {
        where = "its header";
        in.u8();
        int count = in.u16();
        boolean open = count == UNKNOWN_COUNT;
        List<Rect> damage = new ArrayList<>();
        Rect bounds = new Rect(0, 0, 0, 0);
        boolean resized = false;
        for (int i = 0; open || i < count; i++) {
            if (i >= MAX_OPEN_RECTANGLES) {
                throw new RfbProtocolException("FramebufferUpdate goes on past " + MAX_OPEN_RECTANGLES
                        + " rectangles without a LastRect");
            }
            int x = in.u16();
            int y = in.u16();
            int w = in.u16();
            int h = in.u16();
            int encoding = in.s32();
            where = "rectangle " + (i + 1) + " of " + (open ? "?" : String.valueOf(count)) + " ("
                    + Encodings.name(encoding) + " " + x + "," + y + " " + w + "x" + h + ")";
            if (encoding == Encodings.LAST_RECT) {
                break;
            }
            if (pseudo(in, target, encoding, x, y, w, h)) {
                if (encoding == Encodings.DESKTOP_SIZE || encoding == Encodings.EXTENDED_DESKTOP_SIZE) {
                    Framebuffer fb = target.framebuffer();
                    if (fb.width() != w || fb.height() != h) {
                        target.resize(w, h);
                        resized = true;
                    }
                }
                continue;
            }
            Framebuffer fb = target.framebuffer();
            fb.check(x, y, w, h, where);
            decode(in, fb, encoding, x, y, w, h);
            Rect rect = new Rect(x, y, w, h);
            bounds = bounds.union(rect);
            // A long list is worth no more than its bounding box to anyone downstream.
            if (damage.size() <= Damage.MAX_RECTANGLES) {
                damage.add(rect);
            }
        }
        where = "the end of the update";
        if (resized) {
            return new Update(Damage.whole(), true, arrivalNanos);
        }
        return new Update(damage.size() > Damage.MAX_RECTANGLES ? Damage.of(bounds) : Damage.of(damage), false,
                arrivalNanos);
    }

    private void decode(WireIn in, Framebuffer fb, int encoding, int x, int y, int w, int h) throws IOException {
        switch (encoding) {
            case Encodings.RAW:
                raw.decode(in, fb, x, y, w, h);
                break;
            case Encodings.COPY_RECT:
                int fromX = in.u16();
                int fromY = in.u16();
                fb.check(fromX, fromY, w, h, "the source of " + where);
                fb.copy(fromX, fromY, x, y, w, h);
                break;
            case Encodings.RRE:
                RreDecoder.decode(in, fb, x, y, w, h);
                break;
            case Encodings.HEXTILE:
                hextile.decode(in, fb, x, y, w, h);
                break;
            case Encodings.ZRLE:
                zrle.decode(in, fb, x, y, w, h);
                break;
            case Encodings.TIGHT:
                tight.decode(in, fb, x, y, w, h);
                break;
            default:
                throw new RfbProtocolException(where + " uses encoding " + encoding
                        + ", which this client did not ask for and cannot decode");
        }
    }

    /** Handles a pseudo-encoding; false when the encoding is a real one. */
    private boolean pseudo(WireIn in, Target target, int encoding, int x, int y, int w, int h) throws IOException {
        switch (encoding) {
            case Encodings.DESKTOP_SIZE:
                checkSize(w, h);
                return true;
            case Encodings.EXTENDED_DESKTOP_SIZE:
                checkSize(w, h);
                // Screens: a count, 3 bytes of padding, 16 bytes each; at most 255, so bounded as it is.
                int screens = in.u8();
                in.skip(3 + 16L * screens);
                return true;
            case Encodings.CURSOR:
                Framebuffer fb = target.framebuffer();
                target.cursor(CursorDecoder.decode(in, format, fb.width(), fb.height(), x, y, w, h));
                return true;
            default:
                return false;
        }
    }

    private void checkSize(int w, int h) throws RfbProtocolException {
        if (w < 1 || h < 1 || w > PlaneLayout.MAX_DIMENSION || h > PlaneLayout.MAX_DIMENSION) {
            throw new RfbProtocolException(where + ": a desktop of " + w + "x" + h + " is outside 1x1.."
                    + PlaneLayout.MAX_DIMENSION + "x" + PlaneLayout.MAX_DIMENSION);
        }
    }

    @Override
    public void close() {
        zrle.close();
        tight.close();
    }
}
