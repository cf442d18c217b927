package io.scanout.server;

import io.scanout.core.Damage;
import io.scanout.core.FrameEvent;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A stream's pictures for clients that take pixels rather than video (the RFB server's Raw and
 * ZRLE): {@link #offer} is called with every event after change detection, and each subscriber to
 * {@link #pictures()} gets its own reference to the newest one when it asks — latest wins, with
 * the damage of the pictures it missed folded in, and a subscriber's first picture damaged whole.
 * Dma-buf pictures are offered as they are: the RFB server copies one to the CPU only when it
 * sends it, once for all its clients.
 *
 * <p>Ownership: {@link #offer} does not take the caller's reference; it retains one per subscriber.
 * A subscriber holds at most one waiting reference here, released when a newer picture replaces
 * it, when it cancels, or when the tap closes. Thread-safe: offers come from the pipeline's
 * thread, requests and cancels from any; delivery to one subscriber is serialised.
 */
final class PictureTap implements AutoCloseable {
    private final CopyOnWriteArrayList<Tapper> tappers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Every picture after change detection; the caller keeps its own reference. Never blocks. */
    void offer(FrameEvent event) {
        for (Tapper t : tappers) {
            t.offer(event.withFrame(event.frame().retain()));
        }
    }

    /** Hot: pictures from the next offer on; each one the subscriber's own reference to release. */
    Flux<FrameEvent> pictures() {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super FrameEvent> actual) {
                Tapper t = new Tapper(actual);
                actual.onSubscribe(t);
                tappers.add(t);
                if (closed) {
                    t.complete();
                }
            }
        };
    }

    /** Held subscribers waiting (for tests and metrics). */
    int subscribers() {
        return tappers.size();
    }

    /** Completes every subscriber and releases what they had waiting. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Tapper t : tappers) {
            t.complete();
        }
    }

    private final class Tapper implements Subscription {
        private final CoreSubscriber<? super FrameEvent> actual;
        private final AtomicInteger wip = new AtomicInteger();
        // Guarded by this.
        private FrameEvent held;
        private long requested;
        private boolean first = true;
        private boolean cancelled;
        private boolean done;

        Tapper(CoreSubscriber<? super FrameEvent> actual) {
            this.actual = actual;
        }

        void offer(FrameEvent event) {
            synchronized (this) {
                if (cancelled || done) {
                    event.release();
                    return;
                }
                Damage damage = first ? Damage.whole() : event.damage();
                first = false;
                if (held != null) {
                    damage = held.damage().union(damage);
                    held.release();
                }
                held = event.withDamage(damage);
            }
            drain();
        }

        void complete() {
            synchronized (this) {
                done = true;
            }
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                synchronized (this) {
                    requested = Operators.addCap(requested, n);
                }
                drain();
            }
        }

        @Override
        public void cancel() {
            FrameEvent drop;
            synchronized (this) {
                cancelled = true;
                drop = held;
                held = null;
            }
            if (drop != null) {
                drop.release();
            }
            tappers.remove(this);
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                for (;;) {
                    FrameEvent next;
                    boolean finish = false;
                    synchronized (this) {
                        if (cancelled) {
                            break;
                        }
                        if (done) {
                            next = held;
                            held = null;
                            cancelled = true;
                            finish = true;
                        } else if (held != null && requested > 0) {
                            next = held;
                            held = null;
                            if (requested != Long.MAX_VALUE) {
                                requested--;
                            }
                        } else {
                            break;
                        }
                    }
                    if (finish) {
                        if (next != null) {
                            next.release();
                        }
                        tappers.remove(this);
                        actual.onComplete();
                        break;
                    }
                    actual.onNext(next);
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }
}
