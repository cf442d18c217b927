package io.scanout.capture.synthetic;

import io.scanout.capture.FrameSource;
import io.scanout.capture.SourceUri;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A synthetic display, {@code synthetic:WIDTHxHEIGHT@FPS[?format=FOURCC]}: colour bars, a moving
 * box and a frame counter ({@link SyntheticPattern}), for tests, demos and benchmarks.
 *
 * <p>Each subscription to {@link #frames()} starts its own thread, {@code scanout-synthetic-N},
 * ticking at the frame rate, and stops it on cancel. A frame is rendered, into a frame from the
 * pool, only when the subscriber has an outstanding request; otherwise the tick is skipped and
 * counted as dropped, and the next event's damage covers everything since the last one emitted
 * (newest frame wins; the source never blocks and never queues). Events are emitted on that
 * thread and their {@link FrameEvent#sequence()} is the frame index of the picture.
 */
public final class SyntheticSource implements FrameSource {
    private final SyntheticSettings settings;
    private final SyntheticPattern pattern;
    private final FramePool pool;
    private final StreamMeters meters;
    private final String uri;

    private SyntheticSource(String uri, SyntheticSettings settings, FramePool pool, StreamMeters meters) {
        this.uri = uri;
        this.settings = settings;
        this.pattern = new SyntheticPattern(settings.width(), settings.height());
        this.pool = pool;
        this.meters = meters;
    }

    /**
     * A source for a {@code synthetic:} URI; starts nothing until subscribed.
     *
     * @throws IllegalArgumentException naming the URI and the bad part
     */
    public static SyntheticSource open(SourceUri uri, FramePool pool, StreamMeters meters) {
        return new SyntheticSource(uri.toString(), SyntheticSettings.parse(uri), pool, meters);
    }

    /** A source with these settings; starts nothing until subscribed. */
    public static SyntheticSource open(SyntheticSettings settings, FramePool pool, StreamMeters meters) {
        return new SyntheticSource(settings.toUri(), settings, pool, meters);
    }

    @Override
    public Flux<FrameEvent> frames() {
        // The ticker emits only on demand, so the LATEST slot never fills; it is the safety net
        // against a producer bug. A separate onBackpressureLatest() would request unbounded and
        // hide the subscriber's demand, leaving the damage relative to frames it never saw.
        return Flux.<FrameEvent>create(sink -> SyntheticTicker.start(settings, pattern, pool, meters, sink),
                        FluxSink.OverflowStrategy.LATEST)
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    @Override
    public String uri() {
        return uri;
    }

    public SyntheticSettings settings() {
        return settings;
    }

    /** The picture this source draws, to re-render an event's frame from its sequence number. */
    public SyntheticPattern pattern() {
        return pattern;
    }

    @Override
    public String toString() {
        return "SyntheticSource[" + uri + "]";
    }
}
