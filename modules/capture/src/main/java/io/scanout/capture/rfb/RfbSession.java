package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import io.micrometer.core.instrument.Counter;
import io.scanout.core.Damage;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

/**
 * One subscription to a VNC source: a thread, {@code scanout-rfb-N}, that connects, asks for
 * updates while the subscriber wants frames, and emits each update as a {@link FrameEvent}.
 *
 * <p>Pacing: a FramebufferUpdateRequest goes out, and the socket is read, only while the
 * subscriber has demand, and requests go at most {@code fps} times a second; so a slow consumer
 * makes the server wait (and merge its changes) rather than this client queue frames, and every
 * update read is emitted at once. (Should an update ever be read without demand, it stays in the
 * framebuffer, its damage is merged into the next event, and it is counted as dropped.)
 *
 * <p>Losing the connection — an I/O error, a timeout, a protocol error — is logged, counted in
 * {@code scanout.source.reconnects}, and followed by a new connection after a backoff (250 ms
 * doubling to 10 s); the flux stays up. Only a refusal that reconnecting cannot cure (a wrong
 * password) ends the flux with an error. State is confined to the thread, except
 * {@link #dispose()}.
 */
final class RfbSession implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RfbSession.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** How long a read waits for a message to start before the thread looks at demand again. */
    static final int POLL_MILLIS = 100;
    static final long BACKOFF_MIN_MILLIS = 250;
    static final long BACKOFF_MAX_MILLIS = 10_000;

    private final RfbSettings settings;
    private final String uri;
    private final FramePool pool;
    private final StreamMeters meters;
    private final Counter reconnects;
    private final FluxSink<FrameEvent> sink;
    private final InputWriter input;
    private final Consumer<CursorImage> cursors;
    private final long periodNanos;
    private final Object wake = new Object();
    private volatile boolean cancelled;
    private volatile RfbConnection connection;

    private long sequence = -1;
    private VideoFormat lastFormat;
    /** What changed since the last event emitted; whole at the start of each connection. */
    private Damage pendingDamage = Damage.none();
    /** Whether the framebuffer holds an update not yet emitted. */
    private boolean pending;
    private long pendingNanos;
    private boolean keepServerFormat;
    /** Whether the current (or last) connection delivered an update: then the backoff starts over. */
    private boolean delivered;

    RfbSession(RfbSettings settings, String uri, FramePool pool, StreamMeters meters, Counter reconnects,
               FluxSink<FrameEvent> sink, InputWriter input, Consumer<CursorImage> cursors) {
        this.settings = settings;
        this.uri = uri;
        this.pool = pool;
        this.meters = meters;
        this.reconnects = reconnects;
        this.sink = sink;
        this.input = input;
        this.cursors = cursors;
        this.periodNanos = 1_000_000_000L / settings.fps();
    }

    /** Starts the session's thread; the sink's cancel, complete or error stops it. */
    void start() {
        sink.onRequest(n -> signal());
        sink.onDispose(this::dispose);
        Thread thread = new Thread(this, "scanout-rfb-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        long backoff = BACKOFF_MIN_MILLIS;
        try {
            while (!cancelled) {
                try {
                    connectAndServe();
                } catch (RfbProtocolException e) {
                    if (cancelled) {
                        break;
                    }
                    if (!e.retryable()) {
                        log.error("{}: {}", uri, e.getMessage());
                        meters.source().failed(e.getMessage());
                        sink.error(e);
                        return;
                    }
                    lost(e, backoff);
                } catch (IOException e) {
                    if (cancelled) {
                        break;
                    }
                    lost(e, backoff);
                }
                if (cancelled) {
                    break;
                }
                reconnects.increment();
                pause(backoff);
                backoff = delivered ? BACKOFF_MIN_MILLIS : Math.min(backoff * 2, BACKOFF_MAX_MILLIS);
            }
        } catch (RuntimeException | Error e) {
            // A bug or an exhausted pool: say why through the flux rather than let the thread die silently.
            sink.error(e);
        }
        log.debug("{}: session ended", uri);
    }

    private void lost(IOException e, long backoff) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        log.warn("{}: connection lost ({}); reconnecting in {} ms", uri, why, backoff);
        meters.source().reconnecting(why);
    }

    /** One connection's life, until it breaks or the subscriber cancels. */
    private void connectAndServe() throws IOException {
        delivered = false;
        RfbConnection c = RfbConnection.open(settings, pool, keepServerFormat, cursors);
        try {
            connection = c;
            if (cancelled) {
                return;
            }
            input.connected(c);
            log.info("{}: connected to '{}', RFB 3.{}, {}", uri, c.serverInit().name(), c.serverInit().minorVersion(),
                    c.videoFormat());
            meters.source().connected();
            // A new connection's first event covers everything, whatever the last one saw.
            pendingDamage = Damage.whole();
            pending = false;
            // The framebuffer is blank until the server drew into it: an update of pseudo-encodings
            // alone (QEMU answers the first request with the desktop size) must not go out as a
            // picture — a viewer's first keyframe would be an empty screen.
            boolean painted = false;
            boolean incremental = false;
            boolean requested = false;
            long nextRequest = System.nanoTime();
            while (!cancelled) {
                if (pending && sink.requestedFromDownstream() > 0) {
                    emit(c);
                }
                if (sink.requestedFromDownstream() <= 0) {
                    awaitDemand();
                    continue;
                }
                if (!requested) {
                    long wait = nextRequest - System.nanoTime();
                    if (wait > 0) {
                        pause(Math.max(1, wait / 1_000_000));
                        continue;
                    }
                    c.requestUpdate(incremental);
                    requested = true;
                    incremental = true;
                    nextRequest = System.nanoTime() + periodNanos;
                }
                UpdateDecoder.Update update = c.readMessage(POLL_MILLIS);
                if (update == null) {
                    continue;
                }
                requested = false;
                delivered = true;
                if (update.resized()) {
                    // The new framebuffer starts black: ask for all of it. (The change is counted
                    // once, where the server's pipeline sees the event's format change.)
                    incremental = false;
                }
                painted |= update.resized() || !update.damage().isEmpty();
                if (!painted) {
                    incremental = false; // ask for the whole screen again: nothing of it has come yet
                    continue;
                }
                if (pending) {
                    meters.frameDropped(DropReason.BACKPRESSURE);
                }
                sequence++;
                pendingNanos = update.arrivalNanos();
                pendingDamage = pendingDamage.union(update.damage());
                pending = true;
            }
        } catch (IOException e) {
            PixelFormat own = c.serverInit().format();
            if (!delivered && !keepServerFormat && !settings.serverFormat() && !(e instanceof RfbProtocolException)
                    && !own.equals(PixelFormat.BGRX) && own.drmFormat().isPresent()) {
                // Some servers hang up on SetPixelFormat instead of honouring it; their own format will do.
                keepServerFormat = true;
                log.warn("{}: the server hung up before its first update after SetPixelFormat BGRX; the next"
                        + " connection keeps its own format ({})", uri, own);
            }
            throw e;
        } finally {
            input.disconnected(c);
            connection = null;
            c.close();
        }
    }

    private void emit(RfbConnection c) {
        VideoFormat format = c.videoFormat();
        Optional<VideoFormat> change = format.equals(lastFormat) ? Optional.empty() : Optional.of(format);
        Damage damage = change.isPresent() ? Damage.whole() : pendingDamage;
        Frame frame = c.framebuffer().snapshot(pool);
        FrameEvent event = new FrameEvent(frame, damage, sequence, pendingNanos, change);
        meters.stageTook(Stage.CAPTURE, System.nanoTime() - pendingNanos);
        meters.frameCaptured();
        lastFormat = format;
        pending = false;
        pendingDamage = Damage.none();
        // A cancel from here on discards the event through the discard hook, which releases it.
        sink.next(event);
    }

    private void awaitDemand() {
        synchronized (wake) {
            if (!cancelled && sink.requestedFromDownstream() <= 0) {
                waitOn(POLL_MILLIS);
            }
        }
    }

    private void pause(long millis) {
        synchronized (wake) {
            if (!cancelled) {
                waitOn(millis);
            }
        }
    }

    private void waitOn(long millis) {
        try {
            wake.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled = true;
        }
    }

    private void signal() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Stops the session from any thread: closes the socket so a blocked read ends at once. */
    void dispose() {
        cancelled = true;
        RfbConnection c = connection;
        if (c != null) {
            c.disconnect();
        }
        signal();
    }
}
