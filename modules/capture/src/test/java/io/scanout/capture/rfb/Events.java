package io.scanout.capture.rfb;

import io.scanout.core.FrameEvent;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Takes a source's events one at a time on the test's thread: one is requested when the last
 * is taken, so the source is never asked for more than the test reads. Whatever is left is
 * released on close.
 */
final class Events implements AutoCloseable {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final BaseSubscriber<FrameEvent> subscriber = new BaseSubscriber<>() {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            request(1);
        }

        @Override
        protected void hookOnNext(FrameEvent event) {
            queue.add(event);
        }

        @Override
        protected void hookOnError(Throwable error) {
            queue.add(error);
        }
    };

    Events(Flux<FrameEvent> frames) {
        frames.subscribe(subscriber);
    }

    /** The next event, owned by the caller; fails the test after {@code limit}. */
    FrameEvent next(Duration limit) {
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

    @Override
    public void close() {
        subscriber.dispose();
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof FrameEvent) {
                ((FrameEvent) o).release();
            }
        }
    }
}
