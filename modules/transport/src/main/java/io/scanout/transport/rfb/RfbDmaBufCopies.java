package io.scanout.transport.rfb;

import io.scanout.transport.StreamEndpoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU copies of dma-buf pictures that each stream's RFB clients share, over TCP and WebSocket
 * alike: while a stream has sessions sending its dma-buf pictures, one set of copies (a pooled CPU
 * frame per picture, the newest kept) serves them all, so each picture is copied once however many
 * clients watch it. Create one for all of an application's RFB endpoints and hand it to each
 * ({@link RfbServer#start(String, int, java.util.function.Supplier, RfbSecurity,
 * io.scanout.transport.security.ConnectionLimits, RfbDmaBufCopies) RfbServer.start},
 * {@link RfbWebSocketHandler#RfbWebSocketHandler(RfbSecurity, RfbDmaBufCopies) RfbWebSocketHandler});
 * an endpoint given none makes its own, and its clients share copies only among themselves.
 *
 * <p>Ownership: this owns every stream's copies. A session joins on the first dma-buf picture it
 * sends and leaves when it ends; the last to leave frees the stream's copies. {@link #close()},
 * called once the endpoints have stopped, frees whatever sessions still ending hold; a session
 * asking for a copy after that fails with a reason. Streams are told apart by identity, so a
 * reloaded stream starts with copies of its own.
 *
 * <p>Thread-safe. Joining, leaving and {@link #close()} take a short lock; freeing a stream's copies
 * waits for a copy of that stream under way.
 */
public final class RfbDmaBufCopies implements AutoCloseable {
    /** Guarded by this. */
    private final Map<StreamEndpoint, Shared> byStream = new IdentityHashMap<>();
    /** Guarded by this. */
    private boolean closed;

    /** One stream's copies and how many sessions use them. */
    private static final class Shared {
        final DmaBufPictures pictures;
        int sessions;

        Shared(DmaBufPictures pictures) {
            this.pictures = pictures;
        }
    }

    /**
     * The stream's copies, shared with its other sessions; the caller {@linkplain DmaBufPictures#leave
     * leaves} once.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    synchronized DmaBufPictures join(StreamEndpoint stream) {
        if (closed) {
            throw new IllegalStateException("the RFB server is stopping: its CPU copies of dma-buf pictures are closed");
        }
        Shared shared = byStream.computeIfAbsent(stream, s -> new Shared(new DmaBufPictures(s, this)));
        shared.sessions++;
        return shared.pictures;
    }

    /** A session is done with the stream's copies; the last one frees them. Idempotent after {@link #close()}. */
    void leave(DmaBufPictures pictures) {
        synchronized (this) {
            Shared shared = byStream.get(pictures.stream());
            if (shared == null || shared.pictures != pictures) {
                return; // closed already, and freed then
            }
            if (--shared.sessions > 0) {
                return;
            }
            byStream.remove(pictures.stream());
        }
        pictures.free();
    }

    /** Streams whose copies are held now (for tests). */
    synchronized int streamsHeld() {
        return byStream.size();
    }

    /**
     * Frees every stream's copies, the sessions that still hold them notwithstanding (their own
     * references to copies stay valid until they release them), and refuses joins from now on.
     * Idempotent.
     */
    @Override
    public void close() {
        List<DmaBufPictures> held = new ArrayList<>();
        synchronized (this) {
            closed = true;
            byStream.values().forEach(shared -> held.add(shared.pictures));
            byStream.clear();
        }
        held.forEach(DmaBufPictures::free);
    }
}
