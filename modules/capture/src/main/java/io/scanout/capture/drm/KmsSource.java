package io.scanout.capture.drm;

import io.scanout.capture.FrameSource;
import io.scanout.capture.SourceUri;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A GPU's scanout, {@code drm:/dev/dri/cardN[?fps=N&plane=ID&crtc=ID]}: the framebuffer a plane
 * shows, as ffmpeg's kmsgrab reads it, emitted as {@link io.scanout.core.DmaBuf} frames (zero copy
 * to a hardware encoder; {@link io.scanout.capture.vfio.DmaBufReader} maps linear ones for the
 * CPU). Reading another process's framebuffer needs {@code CAP_SYS_ADMIN}.
 *
 * <p>Each subscription starts its own thread, {@code scanout-drm-N}, which opens the card,
 * captures at {@code fps} while the subscriber has demand, and closes the card when it ends.
 * Damage is whole; the first event and every change of size or format carry a format change.
 */
public final class KmsSource implements FrameSource {
    private final KmsSettings settings;
    private final Supplier<KmsDevice> opener;
    private final long periodNanos;
    private final FramePool pool;
    private final StreamMeters meters;
    private final String uri;

    private KmsSource(String uri, KmsSettings settings, Supplier<KmsDevice> opener, long periodNanos, FramePool pool,
                      StreamMeters meters) {
        this.uri = uri;
        this.settings = settings;
        this.opener = opener;
        this.periodNanos = periodNanos;
        this.pool = pool;
        this.meters = meters;
    }

    /** A source for a {@code drm:} URI; opens nothing until subscribed. */
    public static KmsSource open(SourceUri uri, FramePool pool, StreamMeters meters) {
        KmsSettings settings = KmsSettings.parse(uri);
        return new KmsSource(uri.toString(), settings, () -> KmsDevices.open(settings.card()), settings.periodNanos(),
                pool, meters);
    }

    /** A source reading whatever {@code opener} opens, once per subscription, on the source's thread. */
    public static KmsSource open(KmsSettings settings, Supplier<KmsDevice> opener, FramePool pool, StreamMeters meters) {
        return new KmsSource(settings.toUri(), settings, opener, settings.periodNanos(), pool, meters);
    }

    /** The same source polling every {@code nanos}, for tests that run many frames. */
    KmsSource withPeriodNanos(long nanos) {
        return new KmsSource(uri, settings, opener, nanos, pool, meters);
    }

    @Override
    public Flux<FrameEvent> frames() {
        return Flux.<FrameEvent>create(sink -> KmsPoller.start(settings, opener, periodNanos, pool, meters, sink),
                        FluxSink.OverflowStrategy.LATEST)
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    @Override
    public String uri() {
        return uri;
    }

    public KmsSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "KmsSource[" + uri + "]";
    }
}
