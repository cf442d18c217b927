package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.scanout.core.Damage;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.Rect;
import io.scanout.transport.StreamEndpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * The picture mode of one RFB client, the classic VNC model on {@link StreamEndpoint#pictures()}:
 * the newest picture is kept (one frame reference), damage is gathered since the client's last
 * update, and an update — the damaged 64×64 tiles, in Raw or ZRLE, in the client's pixel format —
 * goes out only when the client has asked for one and the previous one was written. A new size goes
 * out first, alone, as DesktopSize. Pictures that are dma-bufs are read through one CPU copy per
 * picture, shared by the stream's clients ({@link DmaBufPictureCopy}).
 *
 * <p>The update's framing, the pointer's rectangles, the client's request and the write are
 * {@link RfbUpdates}'s, shared with the video mode; so is the connection's ZRLE stream
 * ({@link PixelRectangles}), which outlives a mode.
 *
 * <p>Threads: pictures arrive on their source's thread into one slot and are taken on the session's
 * serial worker, where every method here runs. This holds at most one frame reference (and, for a
 * dma-buf picture, one reference to its CPU copy). Once {@linkplain #close closed} — the session
 * ended, or the client's encodings switched it to video — it holds nothing and sends nothing: a
 * picture that reaches the slot after that is released by whichever side takes it second.
 */
final class RfbPictureUpdates {
    private final RfbUpdates updates;
    private final StreamEndpoint stream;
    private final PixelRectangles pixelRectangles;
    private final Consumer<String> fail;
    private final PictureSubscriber subscriber = new PictureSubscriber();
    /** The newest picture not yet taken by the session's worker; source thread in, worker out. */
    private final AtomicReference<FrameEvent> arrived = new AtomicReference<>();
    /** The CPU copy of {@link #current} when it is a dma-buf; made when first sent. */
    private final DmaBufPictureCopy currentCopy;
    private FrameEvent current;
    /** What changed since the last update; all of it at first, since the client has no pixels yet. */
    private Damage pending = Damage.whole();
    /** Set by {@link #close}; read on the source's thread too, to release what arrives after. */
    private volatile boolean closed;

    RfbPictureUpdates(RfbUpdates updates, StreamEndpoint stream, RfbDmaBufCopies copies,
                      PixelRectangles pixelRectangles, Consumer<String> fail) {
        this.updates = updates;
        this.stream = stream;
        this.pixelRectangles = pixelRectangles;
        this.fail = fail;
        this.currentCopy = new DmaBufPictureCopy(copies, stream);
    }

    /** Subscribes to the stream's pictures. */
    void start() {
        stream.pictures().subscribe(subscriber);
    }

    /** Marks {@code damage} as changed for the client: a full request, a new pixel format. */
    void damage(Damage damage) {
        pending = pending.union(damage);
    }

    /** Answers the client's request if there is something to send and nothing is being written. */
    void sendWaiting() {
        Rect requested = updates.requested();
        if (closed || updates.isClosed() || updates.isWriting() || requested == null || current == null) {
            return;
        }
        Frame frame = current.frame();
        if (!SourcePixels.supports(frame.format())) {
            fail.accept("the stream's pictures are " + frame.format() + (frame.isDmaBuf() ? " dma-bufs" : "")
                    + ", which the RFB server cannot read (it takes RGB formats)");
            return;
        }
        int width = updates.clientWidth();
        int height = updates.clientHeight();
        if (frame.width() != width || frame.height() != height) {
            ByteBuf update = updates.beginUpdate(0, frame.width(), frame.height());
            if (update == null) {
                return; // the session is failing
            }
            updates.answered();
            pending = Damage.whole();
            updates.write(update, null);
            return;
        }
        PointerRectangles pointer = updates.pointer();
        List<Rect> rects = TileGrid.rectangles(pending, requested, width, height);
        if (rects.isEmpty() && !pointer.waiting()) {
            return; // nothing new: the request waits for the next change
        }
        Frame pixels = rects.isEmpty() || !frame.isDmaBuf() ? frame : cpuCopy();
        if (pixels == null) {
            return; // the session is failing
        }
        PointerRectangles.Taken taken = pointer.take(width, height);
        if (rects.isEmpty() && taken.isEmpty()) {
            return; // the pointer is where it was: the request waits for the next change
        }
        ByteBuf update = RfbUpdates.header(rects.size() + taken.rectangles());
        PixelFormat format = updates.pixelFormat();
        taken.write(update, format);
        pixelRectangles.write(update, pixels, rects, format, updates.prefersZrle());
        updates.answered();
        pending = Damage.none();
        updates.write(update, null);
    }

    /**
     * Leaves the picture mode: cancels the subscription, releases the picture waiting in the slot,
     * the current one and its CPU copy (leaving the stream's shared copies). Idempotent.
     */
    void close() {
        closed = true;
        subscriber.dispose();
        release(arrived.getAndSet(null));
        release(current);
        current = null;
        currentCopy.close();
    }

    private void pictureArrived() {
        FrameEvent event = arrived.getAndSet(null);
        if (event == null) {
            return;
        }
        if (closed || updates.isClosed()) {
            event.release(); // the session ended, or the client left the picture mode
            return;
        }
        release(current);
        currentCopy.forget();
        current = event;
        pending = pending.union(event.damage());
        subscriber.request(1);
        sendWaiting();
    }

    /**
     * The CPU copy of the current dma-buf picture, made (or taken from another client of the stream)
     * the first time this client sends it; null after failing the session when it cannot be read.
     * Blocks for the copy, which is why it runs here, on the session's worker (a bounded-elastic
     * thread), never on the Netty event loop that serves other connections nor on the capture
     * thread that offered the picture; and only for a picture about to be sent, so pictures a slow
     * client skips are never copied.
     */
    private Frame cpuCopy() {
        try {
            return currentCopy.of(current);
        } catch (IllegalArgumentException | IllegalStateException e) {
            fail.accept("cannot read the stream's " + current.frame().format() + " dma-buf pictures on the CPU: "
                    + e.getMessage());
            return null;
        }
    }

    private static void release(FrameEvent event) {
        if (event != null) {
            event.release();
        }
    }

    private final class PictureSubscriber extends BaseSubscriber<FrameEvent> {
        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(1);
        }

        @Override
        protected void hookOnNext(FrameEvent event) {
            release(arrived.getAndSet(event));
            if (closed || updates.isClosed() || !updates.later(RfbPictureUpdates.this::pictureArrived)) {
                release(arrived.getAndSet(null));
            }
        }

        @Override
        protected void hookOnError(Throwable e) {
            updates.later(() -> failUnlessClosed("the stream's pictures failed: " + e));
        }

        @Override
        protected void hookOnComplete() {
            updates.later(() -> failUnlessClosed("the stream ended"));
        }

        /** An end that reaches a picture mode already left is not this client's. */
        private void failUnlessClosed(String reason) {
            if (!closed) {
                fail.accept(reason);
            }
        }
    }
}
