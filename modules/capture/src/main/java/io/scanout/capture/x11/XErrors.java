package io.scanout.capture.x11;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Xlib's error handlers are process-wide, and its defaults print and {@code exit()} — the whole
 * JVM. These replacements record the error against its display instead, for the thread that owns
 * the display to throw after its call returns. Installed once, before any display is opened.
 */
final class XErrors {
    private static final Logger log = LoggerFactory.getLogger(XErrors.class);
    /** sizeof(XErrorEvent) fields on x86-64: type, display, resourceid, serial, error_code, request_code. */
    private static final int ERROR_CODE = 32;
    private static final int REQUEST_CODE = 33;
    private static final Map<Long, String> PENDING = new ConcurrentHashMap<>();
    private static final Map<Long, Boolean> DEAD = new ConcurrentHashMap<>();

    // Strong references: JNA frees a callback's native stub once its Java object is collected.
    private static final Xlib.ErrorHandler ERRORS = (display, event) -> {
        int code = event.getByte(ERROR_CODE) & 0xff;
        int request = event.getByte(REQUEST_CODE) & 0xff;
        byte[] text = new byte[160];
        Xlib.X11.LIB.XGetErrorText(display, code, text, text.length);
        PENDING.put(Pointer.nativeValue(display), Native.toString(text, StandardCharsets.ISO_8859_1) + " (error " + code + ", request " + request + ")");
        return 0;
    };
    private static final Xlib.IoErrorHandler IO_ERRORS = display -> {
        DEAD.put(Pointer.nativeValue(display), true);
        return 0;
    };
    private static final Xlib.IoErrorExitHandler IO_EXIT = (display, data) -> {
        // Returning instead of exiting leaves the display unusable but the JVM alive.
        DEAD.put(Pointer.nativeValue(display), true);
        log.debug("X connection {} lost", Pointer.nativeValue(display));
    };

    static {
        Xlib.X11.LIB.XInitThreads();
        Xlib.X11.LIB.XSetErrorHandler(ERRORS);
        Xlib.X11.LIB.XSetIOErrorHandler(IO_ERRORS);
    }

    private XErrors() {
    }

    /** Makes sure the handlers are installed (the class initialiser does it). */
    static void install() {
        // The static initialiser above has run by now.
    }

    /** Stops Xlib from exiting the process when this display's connection breaks. */
    static void watch(Pointer display) {
        Xlib.X11.LIB.XSetIOErrorExitHandler(display, IO_EXIT, null);
    }

    /**
     * Throws the error the last calls on this display caused, if any.
     *
     * @param what the call, for the message
     */
    static void check(Pointer display, String what) throws X11Exception {
        long key = Pointer.nativeValue(display);
        if (DEAD.containsKey(key)) {
            throw new X11Exception(what + ": the connection to the X server is lost");
        }
        String error = PENDING.remove(key);
        if (error != null) {
            throw new X11Exception(what + " failed: " + error);
        }
    }

    /** Forgets a closed display. */
    static void forget(Pointer display) {
        long key = Pointer.nativeValue(display);
        PENDING.remove(key);
        DEAD.remove(key);
    }

    static boolean isDead(Pointer display) {
        return DEAD.containsKey(Pointer.nativeValue(display));
    }
}
