package io.scanout.transport.rfb;

import io.scanout.core.DmaBuf;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.nativeio.DmaBufCpuCopy;
import io.scanout.transport.StreamEndpoint;

/**
 * CPU copies of one stream's dma-buf pictures for its RFB pixel clients (Raw, ZRLE), which read
 * pixels row by row: each picture is copied once ({@link DmaBufCpuCopy}: mmap, sync, one copy into
 * a pooled frame) however many clients send it, since the stream's pictures reach every client as
 * references to the same dma-buf.
 *
 * <p>Made and owned by an {@link RfbDmaBufCopies}, one per stream, and shared by that stream's RFB
 * sessions over TCP and WebSocket alike: a session gets it from {@link RfbDmaBufCopies#join} on its
 * first dma-buf picture and calls {@link #leave} when it ends; the owner frees it ({@link #free})
 * when the last session has left, or when it closes.
 *
 * <p>Ownership: this keeps one reference to the newest copy; {@link #cpuCopy} gives the caller a
 * reference of its own. The dma-buf stays its event's. Thread-safe; {@link #cpuCopy} blocks for
 * the copy (and while another session's copy of the same stream runs), so it is called from a
 * session's worker, never from a Netty event loop or the capture thread.
 */
final class DmaBufPictures {
    /** Copies kept idle per size: the kept one and one being replaced. */
    private static final int IDLE_COPIES = 2;

    private final StreamEndpoint stream;
    private final RfbDmaBufCopies owner;
    private final FramePool pool = new FramePool(IDLE_COPIES);
    // Guarded by this. The picture the kept copy was made from: its dma-buf (compared by identity,
    // never used after its event is released), the event's sequence — a source that draws into the
    // same buffer again gives a new one — and its capture time, which orders pictures even across a
    // source restart (when sequences start again from 0).
    private DmaBuf copiedBuffer;
    private long copiedSequence;
    private long copiedCaptureNanos;
    private Frame copy;
    private boolean closed;

    DmaBufPictures(StreamEndpoint stream, RfbDmaBufCopies owner) {
        this.stream = stream;
        this.owner = owner;
    }

    StreamEndpoint stream() {
        return stream;
    }

    /** A session is done with the copies (once per join); the last one to leave frees them. */
    void leave() {
        owner.leave(this);
    }

    /**
     * Releases the kept copy and closes the pool; copies that sessions still hold are freed as they
     * release them. Called by the owner only. Idempotent.
     */
    void free() {
        Frame kept;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            kept = copy;
            copy = null;
            copiedBuffer = null;
        }
        if (kept != null) {
            kept.release();
        }
        pool.close();
    }

    /** The pool's counts, which stay readable after the last session left (for tests). */
    FramePool.Stats poolStats() {
        return pool.stats();
    }

    /**
     * A CPU copy of the event's dma-buf frame, the caller's reference to release. The copy of the
     * stream's newest picture is kept for the other sessions; an older picture (a session that fell
     * behind) is copied for the caller alone, so it does not evict the newer one.
     *
     * @throws IllegalArgumentException when the dma-buf is tiled (the CPU reads linear ones only)
     * @throws IllegalStateException    when mapping or syncing the dma-buf fails, naming the errno
     */
    synchronized Frame cpuCopy(FrameEvent event) {
        if (closed) {
            throw new IllegalStateException("the RFB copies of stream " + stream.hub().streamId() + " are closed");
        }
        DmaBuf buffer = event.frame().dmaBuf();
        if (copy != null && copiedBuffer == buffer && copiedSequence == event.sequence()
                && copiedCaptureNanos == event.captureNanos()) {
            return copy.retain();
        }
        Frame fresh = DmaBufCpuCopy.copy(event.frame(), pool);
        if (copy != null && event.captureNanos() - copiedCaptureNanos < 0) {
            return fresh;
        }
        if (copy != null) {
            copy.release();
        }
        copy = fresh;
        copiedBuffer = buffer;
        copiedSequence = event.sequence();
        copiedCaptureNanos = event.captureNanos();
        return fresh.retain();
    }
}
