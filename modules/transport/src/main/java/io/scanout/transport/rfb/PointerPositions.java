package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.scanout.core.input.CursorPosition;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The PointerPos pseudo-encoding (-232, RFB community specification) for one client: where the
 * source put the pointer (a VFIO guest's cursor plane), as a rectangle at that position, 0×0, no
 * data. At most one goes into an update, the newest position, and only when it differs from the
 * one last sent.
 *
 * <p>Threads: positions arrive on the source's thread into one slot (newest wins); everything else
 * runs on the session's worker.
 */
final class PointerPositions {
    private final AtomicReference<CursorPosition> arrived = new AtomicReference<>();
    private Disposable subscription;
    /** The position last taken, in the source's pixels: mapped again when the client's size changes. */
    private CursorPosition last;
    private int sentX = -1;
    private int sentY = -1;

    /** Whether the client asked for positions (they are being received). */
    boolean active() {
        return subscription != null;
    }

    /**
     * Receives the stream's positions; {@code onArrival} runs (on the source's thread) after each
     * one is in the slot, {@code onEnd} if they fail.
     */
    void start(Flux<CursorPosition> positions, Runnable onArrival, Consumer<Throwable> onEnd) {
        if (subscription == null) {
            subscription = positions.subscribe(p -> {
                arrived.set(p);
                onArrival.run();
            }, onEnd);
        }
    }

    /** Stops receiving positions and forgets the waiting one. Idempotent. */
    void stop() {
        if (subscription != null) {
            subscription.dispose();
            subscription = null;
        }
        arrived.set(null);
        last = null;
        // A client that asks again gets the position again.
        sentX = -1;
        sentY = -1;
    }

    /** Whether a position waits to be looked at by {@link #take}. */
    boolean waiting() {
        return arrived.get() != null;
    }

    /**
     * Takes the newest position in the client's pixels (a framebuffer of {@code width × height},
     * which may be a scaled video of the source's display), or null when none waits or it is where
     * the last one sent was. The returned position counts as sent.
     */
    int[] take(int width, int height) {
        CursorPosition p = arrived.getAndSet(null);
        if (p == null) {
            return null;
        }
        last = p;
        int x = scale(p.x(), p.displayWidth(), width);
        int y = scale(p.y(), p.displayHeight(), height);
        if (x == sentX && y == sentY) {
            return null;
        }
        sentX = x;
        sentY = y;
        return new int[] {x, y};
    }

    /**
     * The client's framebuffer changed size (DesktopSize): the pointer, unmoved, is at another pixel
     * of it, so the last position waits to be sent again unless a newer one already does.
     */
    void resized() {
        if (last != null) {
            arrived.compareAndSet(null, last);
        }
    }

    /** The rectangle for a position from {@link #take}; nothing for null. */
    static void write(ByteBuf update, int[] position) {
        if (position != null) {
            update.writeShort(position[0]).writeShort(position[1]).writeShort(0).writeShort(0)
                    .writeInt(Encodings.POINTER_POS);
        }
    }

    private static int scale(int at, int from, int to) {
        if (from == to) {
            return at;
        }
        return Math.min(to - 1, (int) ((long) at * to / from));
    }
}
