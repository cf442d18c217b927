package io.scanout.transport;

import io.scanout.core.input.DisplaySizeSink;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * One viewer's window size, on its way to the source ({@link DisplaySizeSink}): debounced — a
 * size goes once the viewer has sent no other for {@link #QUIET} — so a browser window being
 * dragged, which reports a size per animation frame, asks the guest for one mode, not sixty; a
 * size equal to the last one sent is not sent again. Newest wins; at most one size per
 * {@link #QUIET} reaches the source from each viewer.
 *
 * <p>Called from the viewer's event loop; the send runs on {@code scheduler}. Synchronized, and
 * nothing here blocks: the sink queues. {@link #close()} drops a size not yet sent.
 */
final class ViewerWindowSize implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewerWindowSize.class);
    /** Long enough to outlast a drag's stream of sizes; short enough to feel like an answer. */
    static final Duration QUIET = Duration.ofMillis(300);

    private final DisplaySizeSink sink;
    private final Scheduler scheduler;
    private final String streamId;
    /** The timer of the size waiting to go; null when none waits. One timer per quiet spell, not per message. */
    private Disposable pending;
    private long wanted;
    /** {@link Scheduler#now} of the newest size, in nanoseconds. */
    private long wantedAt;
    private long sent = -1;
    private boolean closed;

    ViewerWindowSize(DisplaySizeSink sink, Scheduler scheduler, String streamId) {
        this.sink = sink;
        this.scheduler = scheduler;
        this.streamId = streamId;
    }

    /** The viewer's window is now {@code width × height} (both ≥ 1); replaces a size not yet sent. */
    synchronized void resized(int width, int height) {
        if (closed) {
            return;
        }
        wanted = (long) width << 32 | height;
        wantedAt = scheduler.now(TimeUnit.NANOSECONDS);
        if (pending == null) {
            pending = scheduler.schedule(this::send, QUIET.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void send() {
        if (closed) {
            return;
        }
        long quietFor = scheduler.now(TimeUnit.NANOSECONDS) - wantedAt;
        if (quietFor < QUIET.toNanos()) {
            // Sizes came since this timer was set: wait until the newest has been alone for QUIET.
            pending = scheduler.schedule(this::send, QUIET.toNanos() - quietFor, TimeUnit.NANOSECONDS);
            return;
        }
        pending = null;
        if (wanted == sent) {
            return;
        }
        sent = wanted;
        int width = (int) (wanted >>> 32);
        int height = (int) wanted;
        log.debug("stream {}: a viewer asks for a {}x{} display", streamId, width, height);
        sink.requestSize(width, height);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pending != null) {
            pending.dispose();
            pending = null;
        }
    }
}
