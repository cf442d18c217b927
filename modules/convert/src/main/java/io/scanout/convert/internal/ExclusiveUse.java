package io.scanout.convert.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Guards native state that one thread uses at a time and any thread may close: a cancel arriving
 * from another thread while a conversion runs must not free the context under it. The release
 * runs exactly once, by {@link #close()} when idle or by the user's {@link #exit()} when busy.
 * Lock-free; nobody waits.
 */
public final class ExclusiveUse {
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int BUSY_CLOSING = 2;
    private static final int CLOSED = 3;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Runnable release;
    private final String what;

    /**
     * @param what    what is guarded, for messages
     * @param release frees the native state; run once, on the thread that ends its use
     */
    public ExclusiveUse(String what, Runnable release) {
        this.what = what;
        this.release = release;
    }

    /**
     * Starts a use.
     *
     * @throws IllegalStateException when closed, or when another thread is using it
     */
    public void enter() {
        if (!state.compareAndSet(IDLE, BUSY)) {
            int now = state.get();
            throw new IllegalStateException(now == BUSY ? what + " is used by two threads at once"
                    : what + " is closed");
        }
    }

    /** Ends a use; frees the native state if {@link #close()} came meanwhile. */
    public void exit() {
        if (!state.compareAndSet(BUSY, IDLE) && state.compareAndSet(BUSY_CLOSING, CLOSED)) {
            release.run();
        }
    }

    /** Frees the native state now when idle, or when the use in progress ends. Idempotent. */
    public void close() {
        while (true) {
            int now = state.get();
            if (now == IDLE && state.compareAndSet(IDLE, CLOSED)) {
                release.run();
                return;
            }
            if (now == BUSY && state.compareAndSet(BUSY, BUSY_CLOSING)) {
                return;
            }
            if (now == BUSY_CLOSING || now == CLOSED) {
                return;
            }
        }
    }

    public boolean isClosed() {
        return state.get() >= BUSY_CLOSING;
    }
}
