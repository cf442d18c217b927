package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.scanout.core.input.CursorImage;
import io.scanout.transport.StreamEndpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The pointer's pseudo-rectangles for one client, in either update mode: its shape (Cursor, -239,
 * RFC 6143 §7.8.1) and where the source put it (PointerPos, -232, {@link PointerPositions}). Each
 * is received only while the client's encodings ask for it, and goes into an update at most once,
 * the newest, only when it changed.
 *
 * <p>Threads: shapes and positions arrive on the source's threads into single slots (newest wins)
 * and {@code onArrival} runs there; everything else runs on the session's worker.
 */
final class PointerRectangles {
    private static final Logger log = LoggerFactory.getLogger(PointerRectangles.class);

    private final StreamEndpoint stream;
    private final String client;
    private final Runnable onArrival;
    private final AtomicReference<CursorImage> arrivedShape = new AtomicReference<>();
    private Disposable shapes;
    private final PointerPositions positions = new PointerPositions();

    /** What {@link #take} found: a shape and a position, either or both null. */
    record Taken(CursorImage shape, int[] position) {
        int rectangles() {
            return (shape != null ? 1 : 0) + (position != null ? 1 : 0);
        }

        boolean isEmpty() {
            return shape == null && position == null;
        }

        /** Writes the rectangles, shape first, in the client's pixel format. */
        void write(ByteBuf update, PixelFormat format) {
            if (shape != null) {
                CursorEncoder.encode(shape, format, update);
            }
            PointerPositions.write(update, position);
        }
    }

    /** @param onArrival runs on the source's thread after a shape or position is in its slot */
    PointerRectangles(StreamEndpoint stream, String client, Runnable onArrival) {
        this.stream = stream;
        this.client = client;
        this.onArrival = onArrival;
    }

    /** Receives what the client's encodings ask for and stops what they no longer do. */
    void follow(List<Integer> encodings) {
        if (shapes == null && encodings.contains(Encodings.CURSOR)) {
            shapes = stream.cursor().subscribe(c -> {
                arrivedShape.set(c);
                onArrival.run();
            }, e -> log.debug("RFB client {}: cursor updates ended: {}", client, e.toString()));
        } else if (shapes != null && !encodings.contains(Encodings.CURSOR)) {
            stopShapes();
        }
        if (encodings.contains(Encodings.POINTER_POS)) {
            positions.start(stream.cursorPositions(), onArrival,
                    e -> log.debug("RFB client {}: pointer positions ended: {}", client, e.toString()));
        } else {
            positions.stop();
        }
    }

    /** Whether a shape or a position waits for {@link #take} (a position may yet be where it was). */
    boolean waiting() {
        return arrivedShape.get() != null || positions.waiting();
    }

    /**
     * Takes the newest shape and position, the position in the client's pixels (a framebuffer of
     * {@code width × height}); what is returned counts as sent.
     */
    Taken take(int width, int height) {
        CursorImage shape = arrivedShape.getAndSet(null);
        return new Taken(shape, positions.take(width, height));
    }

    /** The client's framebuffer changed size: the pointer's position is sent again. */
    void resized() {
        positions.resized();
    }

    /** Stops receiving shapes and positions. Idempotent. */
    void stop() {
        stopShapes();
        positions.stop();
    }

    private void stopShapes() {
        if (shapes != null) {
            shapes.dispose();
            shapes = null;
        }
        arrivedShape.set(null);
    }
}
