package io.scanout.core.input;

/**
 * Pointer and key events for a source that takes input (a VNC server, RFC 6143 §7.5.4, §7.5.5), so
 * a viewer can control the machine. The meaning is RFB's: framebuffer pixel coordinates, a button
 * mask, X11 keysyms — what browsers and VNC clients both map to without loss.
 *
 * <p>Thread-safe and non-blocking: events are queued (a small bounded queue per connection) and
 * written by the connection's input thread, so a Netty event loop may call these. An event is
 * dropped — the method returns false — when no connection is open or the queue is full (the
 * server has stopped reading).
 */
public interface InputSink {
    int BUTTON_LEFT = 1;
    int BUTTON_MIDDLE = 1 << 1;
    int BUTTON_RIGHT = 1 << 2;
    int WHEEL_UP = 1 << 3;
    int WHEEL_DOWN = 1 << 4;

    /**
     * The pointer is at {@code x,y} (framebuffer pixels) with these buttons down.
     *
     * @param buttons a mask of {@link #BUTTON_LEFT} … {@link #WHEEL_DOWN} (bits 0–7)
     * @return whether the event was queued for a connected server
     * @throws IllegalArgumentException for coordinates outside 0..65535 or a mask outside 0..255
     */
    boolean pointer(int x, int y, int buttons);

    /**
     * A key went down or up.
     *
     * @param keysym the X11 keysym ({@code 0xff0d} Return, {@code 0x61} 'a'), as RFB sends it
     * @return whether the event was queued for a connected server
     */
    boolean key(int keysym, boolean down);
}
