package io.scanout.transport;

import io.scanout.core.input.InputSink;
import java.util.HashSet;
import java.util.Set;

/**
 * One viewer's keyboard and mouse, on their way to the stream's {@link InputSink}: rate limited
 * ({@link InputRateLimit}), and undone when the viewer leaves — keys it holds down are released,
 * buttons let go — so a closed tab never leaves a modifier stuck on the remote machine.
 *
 * <p>Releases of what this viewer holds down always pass, even over the rate limit: dropping a
 * key-up would leave the key repeating. They cost nothing a viewer could abuse, since each one
 * follows a press that was counted. Coordinates are passed on as they come; the stream's sink
 * maps them to its display.
 *
 * <p>Called from the viewer's event loop; synchronized so {@link #releaseAll()} may come from
 * another thread. Non-blocking: the sink queues.
 */
final class ViewerInput {
    /** What happened to one event. */
    enum Outcome { SENT, RATE_LIMITED, SOURCE_UNAVAILABLE }

    /** More keys than any keyboard holds at once; past it, presses are still sent, just not remembered. */
    static final int MAX_KEYS_REMEMBERED = 32;

    private final InputSink sink;
    private final InputRateLimit limit;
    private final Set<Integer> keysDown = new HashSet<>();
    private int buttonsDown;
    private int lastX;
    private int lastY;

    ViewerInput(InputSink sink, InputRateLimit limit) {
        this.sink = sink;
        this.limit = limit;
    }

    synchronized Outcome pointer(int x, int y, int buttons) {
        boolean onlyReleases = buttons != buttonsDown && (buttons & ~buttonsDown) == 0;
        if (!onlyReleases && !limit.tryTake()) {
            return Outcome.RATE_LIMITED;
        }
        if (!sink.pointer(x, y, buttons)) {
            return Outcome.SOURCE_UNAVAILABLE;
        }
        buttonsDown = buttons;
        lastX = x;
        lastY = y;
        return Outcome.SENT;
    }

    synchronized Outcome key(int keysym, boolean down) {
        boolean release = !down && keysDown.contains(keysym);
        if (!release && !limit.tryTake()) {
            return Outcome.RATE_LIMITED;
        }
        if (!sink.key(keysym, down)) {
            return Outcome.SOURCE_UNAVAILABLE;
        }
        if (!down) {
            keysDown.remove(keysym);
        } else if (keysDown.size() < MAX_KEYS_REMEMBERED) {
            keysDown.add(keysym);
        }
        return Outcome.SENT;
    }

    /** Lets go of every key and button this viewer holds down; for when it leaves. */
    synchronized void releaseAll() {
        for (int keysym : keysDown) {
            sink.key(keysym, false);
        }
        keysDown.clear();
        if (buttonsDown != 0) {
            sink.pointer(lastX, lastY, 0);
            buttonsDown = 0;
        }
    }
}
