package io.scanout.transport.push;

import io.micrometer.core.instrument.Counter;
import io.scanout.transport.HubPacket;
import io.scanout.transport.StreamHub;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Publishes one stream to one media server (MediaMTX, SRS, nginx-rtmp, …) through avformat: a
 * viewer of the stream's hub like any other — its own bounded queue, starting at a keyframe,
 * skipping to the next one when the network is slower than the stream — so it never slows the
 * encoder or the other viewers.
 *
 * <p>Connects on the first packet and reconnects on any failure with exponential backoff (from
 * {@link #MIN_BACKOFF} to {@link #MAX_BACKOFF}, reset once packets flow again). Each failure is
 * counted in {@code scanout.push.reconnects{stream}}; a cause is logged once at WARN
 * while it repeats, and recovery once at INFO. A stream whose codec the container cannot carry
 * stops the pusher with an error in the log (retrying would not help). The pusher ends when the
 * stream ends.
 *
 * <p>Threads: every FFmpeg call of a pusher runs on its own thread ({@code scanout-push-<stream>}),
 * where network writes may block; {@link #dispose()} may be called from any thread, interrupts a
 * blocked call and returns once the connection is closed.
 */
public final class StreamPusher implements Disposable {
    private static final Logger log = LoggerFactory.getLogger(StreamPusher.class);
    public static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
    /** Longest a connect or a write may block before it counts as failed. */
    public static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(10);

    private final StreamHub hub;
    private final PushTarget target;
    private final Scheduler thread;
    private final Counter reconnects;
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final Disposable running;

    private StreamPusher(StreamHub hub, PushTarget target, Duration minBackoff) {
        this.hub = hub;
        this.target = target;
        this.thread = Schedulers.newSingle("scanout-push-" + hub.streamId(), true);
        this.reconnects = PushMeters.reconnects(hub.meters());
        Flux<HubPacket> pushing = Flux.using(
                () -> new PushConnection(target, hub.streamId(), NETWORK_TIMEOUT.toMillis(), this::connected),
                connection -> hub.joinLive()
                        // The hub hands packets over on the encoder's thread; the blocking writes happen on ours.
                        .publishOn(thread, 1)
                        .doOnNext(packet -> connection.write(packet.packet())),
                PushConnection::close);
        this.running = pushing
                .retryWhen(Retry.backoff(Long.MAX_VALUE, minBackoff).maxBackoff(MAX_BACKOFF)
                        .transientErrors(true)
                        .filter(e -> !(e instanceof PushConnection.UnsupportedCodecException))
                        .doBeforeRetry(signal -> failed(signal.failure())))
                .subscribe(packet -> { }, this::stopped, () -> log.info("stream {}: ended, push to {} stops",
                        hub.streamId(), target));
    }

    /**
     * Starts pushing {@code hub}'s stream to {@code target}; returns at once (the connection is made
     * on the pusher's thread when the first keyframe comes).
     */
    public static StreamPusher start(StreamHub hub, PushTarget target) {
        return new StreamPusher(Objects.requireNonNull(hub, "hub"), Objects.requireNonNull(target, "target"),
                MIN_BACKOFF);
    }

    /** As {@link #start}, with a shorter first backoff, for tests. */
    static StreamPusher start(StreamHub hub, PushTarget target, Duration minBackoff) {
        return new StreamPusher(hub, target, minBackoff);
    }

    public PushTarget target() {
        return target;
    }

    /** Times a connection failed and was retried so far. */
    public long reconnects() {
        return (long) reconnects.count();
    }

    private void connected() {
        String failure = lastFailure.getAndSet(null);
        if (failure != null) {
            log.info("stream {}: pushing to {} again", hub.streamId(), target);
        } else {
            log.info("stream {}: pushing to {}", hub.streamId(), target);
        }
    }

    private void failed(Throwable failure) {
        reconnects.increment();
        String cause = String.valueOf(failure.getMessage());
        if (!cause.equals(lastFailure.getAndSet(cause))) {
            log.warn("stream {}: push to {} failed, retrying with backoff: {}", hub.streamId(), target, cause);
        } else {
            log.debug("stream {}: push to {} failed again: {}", hub.streamId(), target, cause);
        }
    }

    private void stopped(Throwable error) {
        log.error("stream {}: push to {} stopped: {}", hub.streamId(), target, error.getMessage());
    }

    /** Stops pushing: interrupts a blocked call, closes the connection, ends the thread. Idempotent. */
    @Override
    public void dispose() {
        running.dispose();
        thread.dispose();
    }

    @Override
    public boolean isDisposed() {
        return running.isDisposed();
    }

    @Override
    public String toString() {
        return "push of " + hub.streamId() + " to " + target;
    }
}
