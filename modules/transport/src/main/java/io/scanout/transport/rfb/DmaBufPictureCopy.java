package io.scanout.transport.rfb;

import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.transport.StreamEndpoint;

/**
 * One RFB client's CPU copy of the dma-buf picture it is sending: made, or taken from another
 * client of the stream, the first time the client sends that picture ({@link #of}), and held until
 * the picture is replaced ({@link #forget}). The client joins its stream's shared
 * {@link DmaBufPictures} on its first dma-buf picture and leaves them when it {@linkplain #close
 * closes}.
 *
 * <p>Ownership: this holds one reference to a copy and one membership of the shared copies, and
 * gives both back exactly once. Session worker only; {@link #of} blocks for the copy.
 */
final class DmaBufPictureCopy {
    private final RfbDmaBufCopies copies;
    private final StreamEndpoint stream;
    /** The stream's shared copies; joined on the first dma-buf picture this client sends. */
    private DmaBufPictures shared;
    private Frame copy;

    DmaBufPictureCopy(RfbDmaBufCopies copies, StreamEndpoint stream) {
        this.copies = copies;
        this.stream = stream;
    }

    /**
     * The CPU copy of {@code picture}, the current one, held here (the caller does not release it).
     *
     * @throws IllegalArgumentException when the dma-buf is tiled
     * @throws IllegalStateException    when it cannot be mapped, or the copies are closed
     */
    Frame of(FrameEvent picture) {
        if (copy == null) {
            if (shared == null) {
                shared = copies.join(stream);
            }
            copy = shared.cpuCopy(picture);
        }
        return copy;
    }

    /** The current picture is being replaced: its copy is released. */
    void forget() {
        if (copy != null) {
            copy.release();
            copy = null;
        }
    }

    /** Releases the copy and leaves the shared copies. Idempotent. */
    void close() {
        forget();
        if (shared != null) {
            shared.leave();
            shared = null;
        }
    }
}
