package io.scanout.capture.testing;

import io.scanout.core.FrameEvent;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Takes a source's events one at a time on the test's thread: one is requested when the last
 * is taken, so the source is never asked for more than the test reads. Whatever is left is
 * released on close.
 */
public final class Events implements AutoCloseable {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Set by {@link #close} before it drains the queue; an event queued after that is drained by its sender. */
    private volatile boolean closed;
    private final BaseSubscriber<FrameEvent> subscriber = new BaseSubscriber<>() {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            request(1);
        }

        @Override
        protected void hookOnNext(FrameEvent event) {
            queue.add(event);
            // An onNext already under way when close() cancelled may queue after close() drained.
            if (closed) {
                drain();
            }
        }

        @Override
        protected void hookOnError(Throwable error) {
            queue.add(error);
        }
    };

    /** Subscribes to {@code frames} and asks for the first event. */
    public Events(Flux<FrameEvent> frames) {
        frames.subscribe(subscriber);
    }

    /** The next event, owned by the caller; fails the test after {@code limit}. */
    public FrameEvent next(Duration limit) {
        Object o;
        try {
            o = queue.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (o == null) {
            throw new AssertionError("no event within " + limit);
        }
        if (o instanceof Throwable) {
            throw new AssertionError("the source failed: " + o, (Throwable) o);
        }
        subscriber.request(1);
        return (FrameEvent) o;
    }

    /**
     * The first event {@code wanted} accepts, owned by the caller; the ones before it are released.
     * Fails the test when none comes within {@code limit}.
     */
    public FrameEvent until(Predicate<FrameEvent> wanted, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            FrameEvent e = next(limit);
            if (wanted.test(e)) {
                return e;
            }
            e.release();
        }
        throw new AssertionError("no such event within " + limit);
    }

    /** Cancels the subscription and releases the events nobody took. */
    @Override
    public void close() {
        closed = true;
        subscriber.dispose();
        drain();
    }

    private void drain() {
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof FrameEvent) {
                ((FrameEvent) o).release();
            }
        }
    }
}
