package io.scanout.capture.vfio;

import io.scanout.capture.FrameSource;
import io.scanout.capture.SourceUri;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.CursorPosition;
import io.scanout.core.input.DisplaySizeSink;
import io.scanout.core.metrics.StreamMeters;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Sinks;

/**
 * A VFIO display, {@code vfio:DEVICE[?fps=N&plane=auto|dmabuf|region]}: the primary plane of a
 * mediated device (a vGPU), as QEMU's {@code -device vfio-pci,display=on} reads it.
 *
 * <p>Each subscription to {@link #frames()} starts its own thread, {@code scanout-vfio-N}, which
 * opens the device (IOMMU group, container, device fd), probes whether it offers dma-buf or
 * region planes, and queries the plane {@code fps} times a second while the subscriber has
 * demand. dma-buf planes become {@link io.scanout.core.DmaBuf} frames (zero copy; map them for the
 * CPU with {@link DmaBufReader}); region planes are copied into pooled frames. The first event
 * and every change of size or format carry a format change; a disabled plane sends one black
 * frame. Cancel, completion or error closes the device and every fd opened for it.
 *
 * <p>For viewers, the cursor plane is also offered as every source offers a cursor
 * ({@link #cursorImages()}, {@link #cursorPositions()}), and a viewer's window size reaches the guest
 * through {@link #displaySize()}.
 */
public final class VfioSource implements FrameSource {
    private final VfioSettings settings;
    private final Supplier<GfxDevice> opener;
    private final long periodNanos;
    private final FramePool pool;
    private final StreamMeters meters;
    private final String uri;
    /** The latest cursor state is replayed to each new subscriber; the active poller publishes here. */
    private final Sinks.Many<CursorEvent> cursors;
    /** The same cursor as images and positions, for viewers. */
    private final CursorFeed feed = new CursorFeed();
    /** A viewer's size, for the running poller to send to the guest; the newest request wins. */
    private final AtomicReference<int[]> requestedSize = new AtomicReference<>();

    private VfioSource(String uri, VfioSettings settings, Supplier<GfxDevice> opener, long periodNanos,
                       FramePool pool, StreamMeters meters) {
        this.uri = uri;
        this.settings = settings;
        this.opener = opener;
        this.periodNanos = periodNanos;
        this.pool = pool;
        this.meters = meters;
        this.cursors = Sinks.many().replay().latest();
    }

    /**
     * A source for a {@code vfio:} URI; opens nothing until subscribed.
     *
     * @throws IllegalArgumentException naming the URI and the bad part
     */
    public static VfioSource open(SourceUri uri, FramePool pool, StreamMeters meters) {
        VfioSettings settings = VfioSettings.parse(uri);
        return new VfioSource(uri.toString(), settings, () -> VfioDevices.open(settings.target()),
                settings.periodNanos(), pool, meters);
    }

    /**
     * A source reading whatever {@code opener} opens, once per subscription, on the source's
     * thread (e.g. an emulated device in tests); the source closes what it returns.
     */
    public static VfioSource open(VfioSettings settings, Supplier<GfxDevice> opener, FramePool pool,
                                  StreamMeters meters) {
        return new VfioSource(settings.toUri(), settings, opener, settings.periodNanos(), pool, meters);
    }

    /** The same source polling every {@code nanos} (0: as fast as it can), for tests that run many frames. */
    VfioSource withPeriodNanos(long nanos) {
        return new VfioSource(uri, settings, opener, nanos, pool, meters);
    }

    @Override
    public Flux<FrameEvent> frames() {
        return Flux.<FrameEvent>create(sink -> VfioPoller.start(settings, opener, this::publishCursor, requestedSize,
                                periodNanos, pool, meters, sink),
                        FluxSink.OverflowStrategy.LATEST)
                // Cursor positions are on the display the frames show.
                .doOnNext(event -> feed.display(event.videoFormat()))
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    /**
     * The guest's cursor, apart from the frames, while {@link #frames()} is subscribed (the
     * cursor is read by the same poller): position, visibility and image of a dma-buf device's
     * cursor plane. Hot: a subscriber first gets the latest state, then each change, on the
     * poller's thread. Never completes. Region devices have no cursor plane: nothing comes.
     */
    public Flux<CursorEvent> cursor() {
        return cursors.asFlux();
    }

    /**
     * Asks the guest to use a display of this size, as a viewer's window would: through the
     * device's EDID region, at the running poller's next tick (or the first tick of the next
     * subscription), clamped to {@value EdidUpdater#MIN_WIDTH}x{@value EdidUpdater#MIN_HEIGHT}
     * and the device's {@code max_xres}/{@code max_yres}. The guest decides: the frames show
     * whether it followed (a format change). A device without an EDID region ignores it (logged
     * once). Any thread; does not block.
     */
    public void requestSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("a display size is at least 1x1, not " + width + "x" + height);
        }
        requestedSize.set(new int[] {width, height});
    }

    /**
     * The cursor plane's image with its hotspot, as {@code 0xAARRGGBB} pixels: the current one on
     * subscribing, then each new shape; 0x0 while the plane is off. Hot, never completes; nothing
     * comes for region devices (no cursor plane) or until {@link #frames()} is subscribed.
     */
    @Override
    public Flux<CursorImage> cursorImages() {
        return feed.images();
    }

    /**
     * Where the cursor's hotspot is on the primary plane ({@code x_pos + x_hot}, {@code y_pos +
     * y_hot}), with the plane's size: the current position on subscribing, then each move while
     * the cursor is shown, as often as the poller ticks (up to {@code fps} a second). Hot.
     */
    @Override
    public Flux<CursorPosition> cursorPositions() {
        return feed.positions();
    }

    /** {@link #requestSize}, for viewers: every VFIO source takes size requests (a device without EDID ignores them). */
    @Override
    public Optional<DisplaySizeSink> displaySize() {
        return Optional.of(this::requestSize);
    }

    private void publishCursor(CursorEvent event) {
        // One poller emits at a time, so the only failure is no subscriber, which the replay slot absorbs.
        cursors.tryEmitNext(event);
        feed.cursor(event);
    }

    @Override
    public String uri() {
        return uri;
    }

    public VfioSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "VfioSource[" + uri + "]";
    }
}
