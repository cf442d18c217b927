package io.scanout.capture.x11;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

/**
 * The root window's size as the X server has it now. RandR (e.g. {@code xrandr --fb 1280x720} on
 * Xvfb) resizes the root window; Xlib's {@code XDisplayWidth} keeps the size from when the
 * display was opened, so the source asks the server: one {@code XGetGeometry} round trip, which
 * works on every server, with or without the RandR extension.
 *
 * @param width  in pixels
 * @param height in pixels
 */
record RootSize(int width, int height) {
    /** Asks the server for the root window's size. Blocks for one round trip; capture thread only. */
    static RootSize of(Pointer display, long root) throws X11Exception {
        IntByReference x = new IntByReference();
        IntByReference y = new IntByReference();
        IntByReference width = new IntByReference();
        IntByReference height = new IntByReference();
        IntByReference border = new IntByReference();
        IntByReference depth = new IntByReference();
        int status = Xlib.X11.LIB.XGetGeometry(display, root, new LongByReference(), x, y, width, height, border,
                depth);
        XErrors.check(display, "XGetGeometry of the root window");
        if (status == 0) {
            throw new X11Exception("XGetGeometry of the root window failed");
        }
        return new RootSize(width.getValue(), height.getValue());
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
