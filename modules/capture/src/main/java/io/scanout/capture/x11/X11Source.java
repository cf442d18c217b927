package io.scanout.capture.x11;

import io.scanout.capture.FrameSource;
import io.scanout.capture.SourceUri;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * An X server's screen, {@code x11:DISPLAY[?fps=N&damage=0]} (see {@link X11Settings}), captured
 * with MIT-SHM {@code XShmGetImage} through JNA (plain {@code XGetImage} where shared memory is
 * unavailable) into {@code XR24} frames, with damage from the DAMAGE extension. The frames are the
 * shared-memory segments the X server wrote, lent out without a copy (as FFmpeg's x11grab does, and
 * measured faster than a copy, see benchmarks/README.md); while every lent segment is still held
 * downstream, a frame is a pooled copy instead.
 *
 * <p>Each subscription to {@link #frames()} opens its own connection to the X server on its own
 * thread, {@code scanout-x11-N}, and closes it on cancel. With DAMAGE, a frame is captured only
 * when something changed — a still screen sends nothing after its first frame — and its damage
 * is the changed rectangles since the last event; without it, every tick with demand is a frame
 * with whole damage. Nothing is captured without demand (newest frame wins). A lost X server
 * ends the flux with an {@link X11Exception}; Xlib's own handlers, which would exit the JVM, are
 * replaced.
 *
 * <p>Screen size changes (RandR, e.g. {@code xrandr --fb 1280x720}) are followed: the root
 * window's size is asked for ten times a second, and after a change the next frame has the new size and
 * carries it as a format change.
 */
public final class X11Source implements FrameSource {
    private final X11Settings settings;
    private final String uri;
    private final FramePool pool;
    private final StreamMeters meters;

    private X11Source(X11Settings settings, String uri, FramePool pool, StreamMeters meters) {
        this.settings = settings;
        this.uri = uri;
        this.pool = pool;
        this.meters = meters;
    }

    /**
     * A source for an {@code x11:} URI; connects to nothing until subscribed.
     *
     * @throws IllegalArgumentException naming the URI and the bad part
     */
    public static X11Source open(SourceUri uri, FramePool pool, StreamMeters meters) {
        return new X11Source(X11Settings.parse(uri), uri.toString(), pool, meters);
    }

    public static X11Source open(X11Settings settings, FramePool pool, StreamMeters meters) {
        return new X11Source(settings, settings.toUri(), pool, meters);
    }

    @Override
    public Flux<FrameEvent> frames() {
        return Flux.<FrameEvent>create(sink -> new X11Session(settings, pool, meters, sink).start(),
                        FluxSink.OverflowStrategy.LATEST)
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    @Override
    public String uri() {
        return uri;
    }

    public X11Settings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "X11Source[" + uri + "]";
    }
}
