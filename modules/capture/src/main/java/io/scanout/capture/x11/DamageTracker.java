package io.scanout.capture.x11;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.scanout.core.Damage;
import io.scanout.core.Rect;
import java.util.ArrayList;
import java.util.List;

/**
 * What changed on the screen, from the DAMAGE extension: a damage object on the root window,
 * emptied into an XFixes region on each {@link #fetch()}. Confined to the capture thread.
 *
 * <p>Fetching comes before capturing the image: a change between the two is then in the image
 * and reported again with the next frame — damage may over-report, never miss a change.
 */
final class DamageTracker implements AutoCloseable {
    private final Pointer display;
    private final long damage;
    private final long parts;
    private final int width;
    private final int height;
    private final Memory event = new Memory(Xlib.EVENT_BYTES);

    private DamageTracker(Pointer display, long damage, long parts, int width, int height) {
        this.display = display;
        this.damage = damage;
        this.parts = parts;
        this.width = width;
        this.height = height;
    }

    /** Damage tracking of the root window, or null when the server lacks DAMAGE or XFixes. */
    static DamageTracker open(Pointer display, long root, int width, int height) throws X11Exception {
        IntByReference eventBase = new IntByReference();
        IntByReference errorBase = new IntByReference();
        if (!Xlib.Xdamage.LIB.XDamageQueryExtension(display, eventBase, errorBase)
                || !Xlib.Xfixes.LIB.XFixesQueryExtension(display, eventBase, errorBase)) {
            return null;
        }
        long damage = Xlib.Xdamage.LIB.XDamageCreate(display, root, Xlib.DAMAGE_REPORT_NON_EMPTY);
        long parts = Xlib.Xfixes.LIB.XFixesCreateRegion(display, null, 0);
        Xlib.X11.LIB.XSync(display, false);
        XErrors.check(display, "XDamageCreate on the root window");
        return new DamageTracker(display, damage, parts, width, height);
    }

    /** The rectangles changed since the last call (clipped to the screen); empty when nothing did. */
    Damage fetch() throws X11Exception {
        // Notify events only say "something changed"; the region says what. Drop them so they do not pile up.
        while (Xlib.X11.LIB.XPending(display) > 0) {
            Xlib.X11.LIB.XNextEvent(display, event);
        }
        Xlib.Xdamage.LIB.XDamageSubtract(display, damage, 0, parts);
        IntByReference count = new IntByReference();
        Pointer rects = Xlib.Xfixes.LIB.XFixesFetchRegion(display, parts, count);
        XErrors.check(display, "XDamageSubtract");
        if (rects == null) {
            return Damage.none();
        }
        try {
            List<Rect> list = new ArrayList<>(count.getValue());
            for (int i = 0; i < count.getValue(); i++) {
                // XRectangle: short x, y; unsigned short width, height.
                int x = rects.getShort(8L * i);
                int y = rects.getShort(8L * i + 2);
                int w = Short.toUnsignedInt(rects.getShort(8L * i + 4));
                int h = Short.toUnsignedInt(rects.getShort(8L * i + 6));
                int left = Math.max(0, x);
                int top = Math.max(0, y);
                int right = Math.min(width, x + w);
                int bottom = Math.min(height, y + h);
                if (right > left && bottom > top) {
                    list.add(new Rect(left, top, right - left, bottom - top));
                }
            }
            return Damage.of(list);
        } finally {
            Xlib.X11.LIB.XFree(rects);
        }
    }

    @Override
    public void close() {
        if (!XErrors.isDead(display)) {
            Xlib.Xfixes.LIB.XFixesDestroyRegion(display, parts);
            Xlib.Xdamage.LIB.XDamageDestroy(display, damage);
        }
    }
}
