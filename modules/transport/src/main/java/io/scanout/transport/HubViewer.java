package io.scanout.transport;

import io.scanout.core.EncodedPacket;
import io.scanout.core.metrics.DropReason;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Operators;

/**
 * One viewer of a {@link StreamHub}: a bounded queue (packets and bytes) between the hub's thread,
 * which offers, and the viewer's subscriber, which takes at its own pace.
 *
 * <p>Threads: {@link #offer} and {@link #terminate} come from the hub (one at a time, as the hub's
 * upstream signals are serialised); {@link #request} and {@link #cancel} from the viewer's side,
 * any thread. Everything that takes packets out of the queue — delivering, discarding — runs in one
 * drain loop guarded by a work-in-progress counter: whichever thread wins it does the work, so the
 * subscriber's {@code onNext} may run on the hub's thread and must not block. No locks.
 *
 * <p>Falling behind: the hub's thread never empties the queue itself (it would race the drain loop
 * and could let a packet from the middle of a GOP through after a gap). It raises a mark instead —
 * "discard everything with a hub index below this" — and the drain loop discards those packets,
 * whether or not the subscriber has demand. The next packet the viewer gets is then the keyframe
 * the hub was waiting for. The waiting state belongs to the hub's thread alone (set once by the
 * joining thread before the hub can see the viewer).
 *
 * <p>Joining with a replay: the hub's current GOP comes as an array handed over before the viewer is
 * published; the drain loop delivers it ahead of the queue, under the same rules (demand, and the
 * discard mark, so a viewer that falls behind during its replay skips the rest of it too). The
 * replay does not count against the queue's bounds: it was bounded by the hub's GOP cache.
 */
final class HubViewer implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(HubViewer.class);
    private static final HubPacket[] NO_REPLAY = new HubPacket[0];

    private final StreamHub hub;
    private final CoreSubscriber<? super HubPacket> actual;
    private final int maxPackets;
    private final long maxBytes;
    private final Queue<HubPacket> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedPackets = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean left = new AtomicBoolean();
    private volatile long discardBelow = Long.MIN_VALUE;
    private volatile boolean cancelled;
    private volatile boolean done;
    private Throwable error;
    private volatile HubPacket[] replay = NO_REPLAY;
    // Drain loop only.
    private int replayed;

    // Hub thread only.
    private boolean waitingForKeyframe = true;
    private boolean behind;

    HubViewer(StreamHub hub, CoreSubscriber<? super HubPacket> actual) {
        this.hub = hub;
        this.actual = actual;
        this.maxPackets = hub.limits().maxQueuedPackets();
        this.maxBytes = hub.limits().maxQueuedBytes();
    }

    /**
     * Joining thread, before the hub publishes this viewer: the packets to start with, the current
     * GOP from its keyframe; empty to wait for the next keyframe instead.
     */
    void startWith(HubPacket[] gop) {
        replay = gop;
        waitingForKeyframe = gop.length == 0;
    }

    /** Joining thread, after publishing: deliver the replay as far as there is demand. */
    void drainReplay() {
        drain();
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** Hub thread: one packet for this viewer; never blocks. */
    void offer(HubPacket hubPacket) {
        if (cancelled || done) {
            return;
        }
        EncodedPacket packet = hubPacket.packet();
        if (waitingForKeyframe) {
            if (!packet.keyframe()) {
                if (behind) {
                    hub.meters().frameDropped(DropReason.VIEWER_BEHIND);
                }
                return;
            }
            waitingForKeyframe = false;
            behind = false;
        }
        if (full(packet.size())) {
            // Everything queued before this packet goes; the drain loop drops it.
            discardBelow = hubPacket.index();
            hub.meters().viewerSkippedToKeyframe();
            if (packet.keyframe()) {
                log.debug("stream {}: a viewer fell behind ({} packets queued), resumes at keyframe #{}",
                        hub.streamId(), queuedPackets.get(), packet.sequence());
            } else {
                hub.meters().frameDropped(DropReason.VIEWER_BEHIND);
                log.debug("stream {}: a viewer fell behind ({} packets queued), waits for a keyframe",
                        hub.streamId(), queuedPackets.get());
                waitingForKeyframe = true;
                behind = true;
                drain();
                hub.requestKeyframe();
                return;
            }
        }
        queuedPackets.incrementAndGet();
        queuedBytes.addAndGet(packet.size());
        queue.offer(hubPacket);
        drain();
    }

    private boolean full(int size) {
        int packets = queuedPackets.get();
        return packets >= maxPackets || (packets > 0 && queuedBytes.get() + size > maxBytes);
    }

    /** Hub: the stream ended ({@code failure == null}) or failed. Delivered after what is queued. */
    void terminate(Throwable failure) {
        if (done) {
            return;
        }
        error = failure;
        done = true;
        left();
        drain();
    }

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            requested.getAndUpdate(r -> Operators.addCap(r, n));
            drain();
        }
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        hub.remove(this);
        left();
        drain();
    }

    private void left() {
        if (left.compareAndSet(false, true)) {
            hub.meters().viewerLeft();
        }
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            long r = requested.get();
            long e = 0;
            for (;;) {
                if (cancelled) {
                    queue.clear();
                    replay = NO_REPLAY;
                    return;
                }
                boolean d = done;
                HubPacket p = peek();
                if (p == null) {
                    if (d) {
                        terminated();
                        return;
                    }
                    break;
                }
                if (p.index() < discardBelow) {
                    take();
                    hub.meters().frameDropped(DropReason.VIEWER_BEHIND);
                    continue;
                }
                if (e == r) {
                    break;
                }
                take();
                if (!deliver(p)) {
                    return;
                }
                e++;
            }
            if (e != 0 && r != Long.MAX_VALUE) {
                requested.addAndGet(-e);
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** The next packet: the replay's while it lasts, then the queue's. */
    private HubPacket peek() {
        HubPacket[] r = replay;
        if (replayed < r.length) {
            return r[replayed];
        }
        HubPacket queued = queue.peek();
        if (queued != null) {
            // A drain that began before the joiner handed over the replay: a queued packet means the
            // viewer is published, so the replay is visible now, and it goes first.
            r = replay;
            if (replayed < r.length) {
                return r[replayed];
            }
        }
        return queued;
    }

    /** Removes the head (the drain loop is the only consumer, so it is the one just peeked). */
    private void take() {
        HubPacket[] r = replay;
        if (replayed < r.length) {
            if (++replayed == r.length) {
                replay = NO_REPLAY; // the GOP's packets go with the hub's next keyframe, not with this viewer
                replayed = 0;
            }
            return;
        }
        HubPacket p = queue.poll();
        queuedPackets.decrementAndGet();
        queuedBytes.addAndGet(-p.packet().size());
    }

    /** Delivers one packet; a subscriber that throws is cut off alone, never the hub. */
    private boolean deliver(HubPacket p) {
        try {
            actual.onNext(p);
            return true;
        } catch (Throwable t) {
            Exceptions.throwIfJvmFatal(t);
            cancelled = true;
            hub.remove(this);
            left();
            queue.clear();
            replay = NO_REPLAY;
            log.warn("stream {}: a viewer's subscriber failed on a packet and was removed: {}", hub.streamId(),
                    t.toString(), t);
            actual.onError(Operators.onOperatorError(t, actual.currentContext()));
            return false;
        }
    }

    private void terminated() {
        // The loop is left holding the work-in-progress counter, so nothing is delivered after this.
        cancelled = true;
        Throwable failure = error;
        if (failure != null) {
            actual.onError(failure);
        } else {
            actual.onComplete();
        }
    }
}
