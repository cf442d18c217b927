package io.scanout.capture.region;

import io.scanout.capture.FrameSource;
import io.scanout.capture.SourceUri;
import io.scanout.capture.vfio.GfxDevice;
import io.scanout.capture.vfio.VfioDevices;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A framebuffer region, {@code region:PATH[?fps=N&timeout=MS]}: a file (e.g. in {@code /dev/shm}),
 * or a VFIO device's region ({@code region:DEVICE?vfio-region=N}), holding a framebuffer and, in
 * its last 28 bytes, the {@code struct vfio_framebuffer} a producer
 * (a vGPU's emulation, {@link RegionProducer}) answers requests through. See
 * {@link RegionProtocol} for the wire format and the memory ordering.
 *
 * <p>Each subscription to {@link #frames()} starts its own thread, {@code scanout-region-N}, which
 * maps the region, asks for a frame {@code fps} times a second when the subscriber has demand, and
 * emits every answered frame as a copy in a frame from the pool: the event owns it. Damage is
 * always whole (the protocol has none); the first event and every change of size or format carry
 * {@link io.scanout.core.FrameEvent#formatChange()}. Cancel, complete or error unmaps the region and
 * closes its fds (and the device). Bad metadata drops a frame and the source goes on; an unanswered request past
 * the timeout, a missing file or a resized file ends the flux with a {@link RegionException}.
 *
 * <p>One consumer per region: two subscriptions to the same region (in this process or another)
 * would each take the other's answers, and one could copy a frame while the producer draws the
 * next.
 */
public final class RegionSource implements FrameSource {
    private final RegionSettings settings;
    private final Supplier<SharedRegion> opener;
    private final FramePool pool;
    private final StreamMeters meters;
    private final String uri;

    private RegionSource(String uri, RegionSettings settings, Supplier<SharedRegion> opener, FramePool pool,
                         StreamMeters meters) {
        this.uri = uri;
        this.settings = settings;
        this.opener = opener;
        this.pool = pool;
        this.meters = meters;
    }

    /**
     * A source for a {@code region:} URI; opens nothing until subscribed.
     *
     * @throws IllegalArgumentException naming the URI and the bad part
     */
    public static RegionSource open(SourceUri uri, FramePool pool, StreamMeters meters) {
        RegionSettings settings = RegionSettings.parse(uri);
        return new RegionSource(uri.toString(), settings, opener(settings), pool, meters);
    }

    /** A source with these settings; opens nothing until subscribed. */
    public static RegionSource open(RegionSettings settings, FramePool pool, StreamMeters meters) {
        return new RegionSource(settings.toUri(), settings, opener(settings), pool, meters);
    }

    /** A source whose region is what {@code device} opens, for a VFIO device of another kind (tests). */
    static RegionSource open(RegionSettings settings, Supplier<GfxDevice> device, FramePool pool, StreamMeters meters) {
        return new RegionSource(settings.toUri(), settings, () -> VfioDeviceRegion.open(device, settings.vfioRegion()),
                pool, meters);
    }

    private static Supplier<SharedRegion> opener(RegionSettings settings) {
        if (settings.isVfio()) {
            return () -> VfioDeviceRegion.open(() -> VfioDevices.open(settings.target()), settings.vfioRegion());
        }
        return () -> MappedFile.open(settings.path());
    }

    @Override
    public Flux<FrameEvent> frames() {
        // The poller asks only on demand, so the LATEST slot never fills; it is the safety net.
        return Flux.<FrameEvent>create(sink -> RegionPoller.start(settings, opener, pool, meters, sink),
                        FluxSink.OverflowStrategy.LATEST)
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    @Override
    public String uri() {
        return uri;
    }

    public RegionSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "RegionSource[" + uri + "]";
    }
}
