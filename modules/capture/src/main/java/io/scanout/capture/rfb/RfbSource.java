package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import io.scanout.core.input.InputSink;
import io.micrometer.core.instrument.Counter;
import io.scanout.capture.FrameSource;
import io.scanout.capture.SourceUri;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Sinks;

/**
 * A VNC server's screen, {@code vnc://HOST[:PORT][?password=…&shared=1&fps=N&cursor=0]} (see
 * {@link RfbSettings}): an RFB 3.3/3.7/3.8 client with None and VNC Authentication, the Raw,
 * CopyRect, RRE, Hextile and ZRLE encodings, and desktop resizes.
 *
 * <p>Each subscription to {@link #frames()} opens its own connection on its own thread,
 * {@code scanout-rfb-N}, and closes it on cancel. Every FramebufferUpdate becomes one
 * {@link FrameEvent}: a fresh pooled frame holding a copy of the client's framebuffer (so nothing
 * downstream ever sees it change), damage exactly the rectangles the server sent, and a format
 * change on the first event and on a resize. Updates are requested only while the subscriber has
 * demand, at most {@code fps} a second: a slow subscriber gets fewer, newer frames. A lost
 * connection is re-opened with backoff and the flux stays up ({@code scanout.source.reconnects});
 * a refused password ends it with an {@link RfbAuthenticationException}.
 *
 * <p>{@link #input()} sends pointer and key events to the server the source is connected to;
 * {@link #cursorImages()} carries the pointer's shape when {@code cursor=1}.
 */
public final class RfbSource implements FrameSource {
    private final RfbSettings settings;
    private final String uri;
    private final FramePool pool;
    private final StreamMeters meters;
    private final Counter reconnects;
    private final InputWriter input;
    private final Sinks.Many<CursorImage> cursors = Sinks.many().replay().latest();

    private RfbSource(RfbSettings settings, String uri, FramePool pool, StreamMeters meters) {
        this.settings = settings;
        this.uri = uri;
        this.pool = pool;
        this.meters = meters;
        this.reconnects = Counter.builder("scanout.source.reconnects")
                .description("times a source lost its connection (or could not open it) and tried again")
                .tags(meters.tags()).register(meters.registry());
        this.input = new InputWriter(uri);
    }

    /**
     * A source for a {@code vnc://} URI; connects to nothing until subscribed.
     *
     * @throws IllegalArgumentException naming the URI and the bad part
     */
    public static RfbSource open(SourceUri uri, FramePool pool, StreamMeters meters) {
        return new RfbSource(RfbSettings.parse(uri), uri.toString(), pool, meters);
    }

    /** A source with these settings; connects to nothing until subscribed. */
    public static RfbSource open(RfbSettings settings, FramePool pool, StreamMeters meters) {
        return new RfbSource(settings, settings.toUri(), pool, meters);
    }

    @Override
    public Flux<FrameEvent> frames() {
        // The session emits only on demand, so the LATEST slot never fills; it is the safety net.
        return Flux.<FrameEvent>create(sink -> new RfbSession(settings, uri, pool, meters, reconnects, sink, input,
                                this::publishCursor).start(), FluxSink.OverflowStrategy.LATEST)
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    private void publishCursor(CursorImage cursor) {
        // Two sessions of one source could race here; the handler retries the loser briefly.
        cursors.emitNext(cursor, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
    }

    /**
     * Pointer and key events for the server this source is connected to; they are dropped while
     * it is not. Non-blocking; any thread. Always present: every VNC server takes input (a
     * view-only one ignores it).
     */
    @Override
    public Optional<InputSink> input() {
        return Optional.of(input);
    }

    /**
     * The pointer's shape whenever the server changes it (only with {@code cursor=1}). Hot: a new
     * subscriber gets the current shape first. Never completes.
     */
    @Override
    public Flux<CursorImage> cursorImages() {
        return cursors.asFlux();
    }

    @Override
    public String uri() {
        return uri;
    }

    public RfbSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "RfbSource[" + uri + "]";
    }
}
