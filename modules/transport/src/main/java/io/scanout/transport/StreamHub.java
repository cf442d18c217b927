package io.scanout.transport;

import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.metrics.StreamMeters;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One stream's fan-out: the encoder's packets, encoded once, to any number of viewers.
 *
 * <p>{@link #connect} subscribes to the packet source once, with unbounded demand; each packet is
 * offered to every viewer on the source's thread (the encoder's), and that thread never waits for a
 * viewer. Each viewer ({@link #join()}) has its own bounded queue ({@link ViewerLimits}) and takes
 * packets at its own pace:
 * <ul>
 *   <li>a viewer starts at a keyframe: the hub keeps the current GOP (the latest keyframe and what
 *       followed it, bounded by {@link ViewerLimits#gopCachePackets()} and
 *       {@link ViewerLimits#gopCacheBytes()}) and a joining viewer gets it first, then the live
 *       packets, with neither gap nor repeat; so joining costs the encoder and the other viewers
 *       nothing. When there is no GOP to replay (none yet, or it outgrew the bounds) the joiner gets
 *       nothing until the next keyframe, and one is requested at once unless a request is already
 *       on its way;</li>
 *   <li>a viewer whose queue is full is behind: its queue is emptied, it skips to the next keyframe
 *       (each skipped packet counted as {@code scanout.frames.dropped{reason=viewer-behind}}) and a
 *       keyframe is requested. The other viewers see nothing of it;</li>
 *   <li>when the source completes or fails, every viewer completes or fails the same way, after
 *       taking what was already queued for it; viewers joining afterwards end at once.</li>
 * </ul>
 *
 * <p>Packets are immutable heap objects shared by all viewers, so nothing is copied or released
 * per viewer. Viewers are an array swapped by compare-and-set, each queue is non-blocking. One
 * short lock per hub orders "add a packet to the GOP, read the viewers" against "copy the GOP, add a
 * viewer", so a joiner gets every packet exactly once; the source's thread holds it for a few field
 * writes, never while offering to viewers. A viewer's {@code onNext} may run on the source's thread, so a subscriber must not
 * block in it (the WebSocket transport only hands the packet to Netty).
 *
 * <p>The keyframe requester is called from any thread (a joining viewer's, the source's, a timer's)
 * and must be thread-safe and non-blocking; an exception it throws is logged, not propagated.
 */
public final class StreamHub implements Disposable {
    private static final Logger log = LoggerFactory.getLogger(StreamHub.class);
    private static final HubViewer[] EMPTY = new HubViewer[0];
    private static final HubPacket[] NO_PACKETS = new HubPacket[0];
    private static final HubViewer[] TERMINATED = new HubViewer[0];

    private final String streamId;
    private final ViewerLimits limits;
    private final StreamMeters meters;
    private final KeyframeRequests keyframes;
    private final AtomicReference<HubViewer[]> viewers = new AtomicReference<>(EMPTY);
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicBoolean terminated = new AtomicBoolean();
    private final Disposable.Swap upstream = Disposables.swap();
    // Guards the GOP cache and orders it against the viewers array (see the class comment).
    private final Object joinLock = new Object();
    private final GopCache gop;
    private volatile CodecConfig config;
    private volatile Throwable failure;
    // Source thread only.
    private long received;

    /**
     * @param keyframeRequester asks the encoder for a keyframe (e.g. {@code encoder::requestKeyframe});
     *                          thread-safe and non-blocking
     * @param meters            this stream's meters: viewers, drops, keyframe requests
     */
    public StreamHub(String streamId, ViewerLimits limits, Runnable keyframeRequester, StreamMeters meters) {
        this(streamId, limits, keyframeRequester, meters, Schedulers.parallel(), System::nanoTime);
    }

    /** With the timer and clock of keyframe rate limiting given, for tests on virtual time. */
    StreamHub(String streamId, ViewerLimits limits, Runnable keyframeRequester, StreamMeters meters,
              Scheduler timer, LongSupplier nanoClock) {
        if (streamId == null || limits == null || keyframeRequester == null || meters == null) {
            throw new IllegalArgumentException("streamId, limits, keyframeRequester and meters are required");
        }
        this.streamId = streamId;
        this.limits = limits;
        this.meters = meters;
        this.gop = new GopCache(limits.gopCachePackets(), limits.gopCacheBytes());
        this.keyframes = new KeyframeRequests(streamId, keyframeRequester, limits.minKeyframeInterval().toNanos(),
                timer, nanoClock);
    }

    /**
     * Starts the fan-out: subscribes to {@code packets} once, with unbounded demand. One source per
     * hub, for its whole life.
     *
     * @return disposing it cancels the source and ends the hub (as {@link #dispose()})
     * @throws IllegalStateException if the hub was already connected
     */
    public Disposable connect(Flux<EncodedPacket> packets) {
        if (!connected.compareAndSet(false, true)) {
            throw new IllegalStateException("stream " + streamId + ": the hub is already connected to a source");
        }
        upstream.update(packets.subscribe(this::onPacket, this::onError, this::onComplete));
        return this;
    }

    /**
     * A new viewer per subscription: packets from a keyframe on, in order, as the subscriber
     * requests them — from the current GOP's keyframe when the hub holds it (so the first packets
     * may be up to a GOP old and come in a burst), else from the next keyframe. Cancelling removes
     * the viewer.
     */
    public Flux<EncodedPacket> join() {
        return joinTimed().map(HubPacket::packet);
    }

    /** As {@link #join()}, with each packet's hub receipt time (for the send-stage latency). */
    public Flux<HubPacket> joinTimed() {
        return new ViewerFlux(this, true);
    }

    /**
     * As {@link #joinTimed()}, but live: no replay of the current GOP, the first packet is the next
     * keyframe (asked of the encoder at once). For consumers that pace by timestamps — players
     * reading MPEG-TS or MP4, a media server fed by push — which would otherwise play up to a GOP
     * behind live for as long as they watch; a browser or noVNC draws a replay as fast as it decodes
     * and catches up.
     */
    public Flux<HubPacket> joinLive() {
        return new ViewerFlux(this, false);
    }

    /** The configuration of the latest packet, empty before the first. */
    public Optional<CodecConfig> config() {
        return Optional.ofNullable(config);
    }

    /** Viewers connected now. */
    public int viewers() {
        return viewers.get().length;
    }

    public String streamId() {
        return streamId;
    }

    public ViewerLimits limits() {
        return limits;
    }

    /** This stream's meters, for a transport to record what it sends. */
    public StreamMeters meters() {
        return meters;
    }

    private void onPacket(EncodedPacket packet) {
        HubPacket hubPacket = new HubPacket(packet, System.nanoTime(), received++);
        if (packet.config() != config) {
            config = packet.config();
        }
        if (packet.keyframe()) {
            keyframes.keyframeSeen();
        }
        HubViewer[] current;
        synchronized (joinLock) {
            gop.add(hubPacket);
            current = viewers.get();
        }
        for (HubViewer viewer : current) {
            viewer.offer(hubPacket);
        }
    }

    private void onError(Throwable error) {
        log.warn("stream {}: packet source failed, ending {} viewer(s): {}", streamId, viewers(), error.toString());
        terminate(error);
    }

    private void onComplete() {
        log.debug("stream {}: packet source completed", streamId);
        terminate(null);
    }

    private void terminate(Throwable error) {
        if (!terminated.compareAndSet(false, true)) {
            return;
        }
        failure = error;
        keyframes.dispose();
        for (HubViewer viewer : viewers.getAndSet(TERMINATED)) {
            viewer.terminate(error);
        }
    }

    void requestKeyframe() {
        keyframes.request();
    }

    /** Adds a subscribed viewer, with the current GOP to replay if {@code replay}, or ends it at once if the hub has ended. */
    void add(HubViewer viewer, boolean replay) {
        // Counted first: a viewer ended at once below is counted as leaving, so the gauge stays balanced.
        meters.viewerJoined();
        boolean replaying;
        boolean published;
        synchronized (joinLock) {
            HubPacket[] packets = replay ? gop.snapshot() : NO_PACKETS;
            replaying = packets.length > 0;
            published = publish(viewer, packets);
        }
        if (!published) {
            // Outside the lock: ending the viewer calls its subscriber.
            viewer.terminate(failure);
            return;
        }
        if (viewer.isCancelled()) {
            // Cancelled before it was added (inside onSubscribe): its remove() found nothing to remove.
            remove(viewer);
            return;
        }
        if (replaying) {
            viewer.drainReplay();
        } else {
            keyframes.requestNow();
        }
    }

    /** Hands the viewer its replay, then makes it visible to the source; false if the hub has ended. */
    private boolean publish(HubViewer viewer, HubPacket[] replay) {
        boolean handedOver = false;
        for (;;) {
            HubViewer[] current = viewers.get();
            if (current == TERMINATED) {
                return false;
            }
            if (!handedOver) {
                // Once: the viewer's drain loop may already be taking from it. Retries come from a
                // viewer leaving, not from a packet (that needs the lock we hold), so the copy stays right.
                viewer.startWith(replay);
                handedOver = true;
            }
            HubViewer[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = viewer;
            if (viewers.compareAndSet(current, next)) {
                return true;
            }
        }
    }

    void remove(HubViewer viewer) {
        for (;;) {
            HubViewer[] current = viewers.get();
            int i = indexOf(current, viewer);
            if (i < 0) {
                return;
            }
            HubViewer[] next;
            if (current.length == 1) {
                next = EMPTY;
            } else {
                next = new HubViewer[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
            }
            if (viewers.compareAndSet(current, next)) {
                return;
            }
        }
    }

    private static int indexOf(HubViewer[] viewers, HubViewer viewer) {
        for (int i = 0; i < viewers.length; i++) {
            if (viewers[i] == viewer) {
                return i;
            }
        }
        return -1;
    }

    /** Cancels the source and completes every viewer. Idempotent. */
    @Override
    public void dispose() {
        if (upstream.isDisposed()) {
            return;
        }
        upstream.dispose();
        terminate(null);
    }

    @Override
    public boolean isDisposed() {
        return upstream.isDisposed();
    }
}
