package io.scanout.capture.x11;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

/**
 * The few Xlib, MIT-SHM, DAMAGE, XFixes and System V shared-memory calls the X11 source makes,
 * bound with JNA. XIDs (windows, damage objects, regions) are C {@code unsigned long}: a Java
 * {@code long} on the 64-bit Linux this runs on.
 */
final class Xlib {
    static final int Z_PIXMAP = 2;
    static final long ALL_PLANES = -1L;
    static final int LSB_FIRST = 0;
    static final int DAMAGE_REPORT_NON_EMPTY = 3;
    /** sizeof(XEvent): a union of 24 longs. */
    static final int EVENT_BYTES = 192;
    /** sizeof(XShmSegmentInfo) on x86-64: shmseg, shmid, shmaddr, readOnly, padded. */
    static final int SHM_SEGMENT_INFO_BYTES = 32;
    static final int SHM_INFO_SHMID = 8;
    static final int SHM_INFO_SHMADDR = 16;
    /** Offsets in XImage on x86-64. */
    static final int IMAGE_DATA = 16;
    static final int IMAGE_BYTE_ORDER = 24;
    static final int IMAGE_BYTES_PER_LINE = 44;
    static final int IMAGE_BITS_PER_PIXEL = 48;
    static final int IMAGE_RED_MASK = 56;
    static final int IMAGE_GREEN_MASK = 64;
    static final int IMAGE_BLUE_MASK = 72;

    private Xlib() {
    }

    /** {@code int (*)(Display *, XErrorEvent *)}. */
    interface ErrorHandler extends Callback {
        int invoke(Pointer display, Pointer event);
    }

    /** {@code int (*)(Display *)}. */
    interface IoErrorHandler extends Callback {
        int invoke(Pointer display);
    }

    /** {@code void (*)(Display *, void *)}. */
    interface IoErrorExitHandler extends Callback {
        void invoke(Pointer display, Pointer data);
    }

    interface X11 extends Library {
        X11 LIB = Native.load("X11", X11.class);

        int XInitThreads();

        Pointer XOpenDisplay(String name);

        int XCloseDisplay(Pointer display);

        int XDefaultScreen(Pointer display);

        long XRootWindow(Pointer display, int screen);

        int XDisplayWidth(Pointer display, int screen);

        int XDisplayHeight(Pointer display, int screen);

        int XDefaultDepth(Pointer display, int screen);

        Pointer XDefaultVisual(Pointer display, int screen);

        int XSync(Pointer display, boolean discard);

        int XPending(Pointer display);

        int XNextEvent(Pointer display, Pointer event);

        int XFree(Pointer data);

        Pointer XGetImage(Pointer display, long drawable, int x, int y, int width, int height, long planeMask,
                          int format);

        int XDestroyImage(Pointer image);

        Pointer XSetErrorHandler(ErrorHandler handler);

        Pointer XSetIOErrorHandler(IoErrorHandler handler);

        void XSetIOErrorExitHandler(Pointer display, IoErrorExitHandler handler, Pointer data);

        int XGetErrorText(Pointer display, int code, byte[] buffer, int length);

        /** One round trip: a drawable's root, position, size, border width and depth. */
        int XGetGeometry(Pointer display, long drawable, LongByReference root, IntByReference x, IntByReference y,
                         IntByReference width, IntByReference height, IntByReference border, IntByReference depth);
    }

    interface Xext extends Library {
        Xext LIB = Native.load("Xext", Xext.class);

        boolean XShmQueryExtension(Pointer display);

        Pointer XShmCreateImage(Pointer display, Pointer visual, int depth, int format, Pointer data,
                                Pointer shmInfo, int width, int height);

        boolean XShmAttach(Pointer display, Pointer shmInfo);

        boolean XShmDetach(Pointer display, Pointer shmInfo);

        boolean XShmGetImage(Pointer display, long drawable, Pointer image, int x, int y, long planeMask);
    }

    interface Xdamage extends Library {
        Xdamage LIB = Native.load("libXdamage.so.1", Xdamage.class);

        boolean XDamageQueryExtension(Pointer display, IntByReference eventBase, IntByReference errorBase);

        long XDamageCreate(Pointer display, long drawable, int level);

        void XDamageDestroy(Pointer display, long damage);

        void XDamageSubtract(Pointer display, long damage, long repair, long parts);
    }

    interface Xfixes extends Library {
        Xfixes LIB = Native.load("libXfixes.so.3", Xfixes.class);

        boolean XFixesQueryExtension(Pointer display, IntByReference eventBase, IntByReference errorBase);

        long XFixesCreateRegion(Pointer display, Pointer rectangles, int count);

        void XFixesDestroyRegion(Pointer display, long region);

        Pointer XFixesFetchRegion(Pointer display, long region, IntByReference count);
    }

    interface Shm extends Library {
        Shm LIB = Native.load("c", Shm.class);
        int IPC_PRIVATE = 0;
        int IPC_CREAT = 01000;
        int IPC_RMID = 0;

        int shmget(int key, long size, int flags);

        Pointer shmat(int id, Pointer address, int flags);

        int shmdt(Pointer address);

        int shmctl(int id, int command, Pointer buffer);
    }
}
