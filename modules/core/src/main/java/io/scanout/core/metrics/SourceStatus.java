package io.scanout.core.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * Whether a stream's source is delivering, and the last error it reported: what {@code /streams}
 * and {@code scanout status} show as the source's state. Sources report through their
 * {@link StreamMeters#source()}: a VNC client when it connects, loses the connection or is
 * refused; a polling source (region, VFIO, DRM) when it drops a bad frame; the server when a
 * frame arrives or the pipeline restarts.
 *
 * <p>Thread-safe: written by the source's and the pipeline's threads, read by HTTP handlers.
 * Never blocks.
 */
public final class SourceStatus {
    /** Error messages come from outside (a VNC server's reason, a region's header); this many chars are kept. */
    static final int MAX_ERROR_CHARS = 300;

    /** Where a source is. */
    public enum State {
        /** Not delivered anything yet, and no error. */
        STARTING,
        /** Delivering frames (or connected and waiting for the display to change). */
        CONNECTED,
        /** Lost its connection or failed; trying again with backoff. */
        RECONNECTING,
        /** Still there, but its last frames were bad and dropped (e.g. corrupt region metadata). */
        ERROR,
        /** Gave up: retrying cannot help (e.g. a wrong VNC password). */
        FAILED;

        /** The lowercase name {@code /streams} shows: {@code connected}, {@code reconnecting}, … */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One reading.
     *
     * @param state       where the source is
     * @param lastError   the last error's message, or null when it has had none; kept after recovery
     * @param lastErrorAt when the last error happened, or null
     */
    public record Snapshot(State state, String lastError, Instant lastErrorAt) {
    }

    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(State.STARTING, null, null);

    public SourceStatus() {
        this(Clock.systemUTC());
    }

    SourceStatus(Clock clock) {
        this.clock = clock;
    }

    /** The source delivers (called per frame: cheap when nothing changes). The last error is kept. */
    public void connected() {
        if (snapshot.state() != State.CONNECTED) {
            synchronized (this) {
                snapshot = new Snapshot(State.CONNECTED, snapshot.lastError(), snapshot.lastErrorAt());
            }
        }
    }

    /** The source lost its connection or failed with {@code error}, and will try again. */
    public void reconnecting(String error) {
        set(State.RECONNECTING, error);
    }

    /** The source dropped a bad frame because of {@code error} and goes on. */
    public void error(String error) {
        set(State.ERROR, error);
    }

    /** The source gave up because of {@code error}. */
    public void failed(String error) {
        set(State.FAILED, error);
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    private synchronized void set(State state, String error) {
        String message = error == null || error.isBlank() ? "unknown error" : error.strip();
        if (message.length() > MAX_ERROR_CHARS) {
            message = message.substring(0, MAX_ERROR_CHARS - 1) + "…";
        }
        snapshot = new Snapshot(state, message, clock.instant());
    }
}
