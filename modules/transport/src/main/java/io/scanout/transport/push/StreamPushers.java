package io.scanout.transport.push;

import io.scanout.transport.StreamHub;
import java.util.ArrayList;
import java.util.List;
import reactor.core.Disposable;

/**
 * Every push of one stream: one {@link StreamPusher} per URL, started together and stopped
 * together (with the stream, or when a reload changes it). Thread-safe.
 */
public final class StreamPushers implements Disposable {
    private final List<StreamPusher> pushers;
    private volatile boolean disposed;

    private StreamPushers(List<StreamPusher> pushers) {
        this.pushers = List.copyOf(pushers);
    }

    /**
     * Starts a pusher per URL; returns at once. An empty list starts nothing.
     *
     * @throws IllegalArgumentException for a URL {@link PushTarget#parse} refuses (nothing is started then)
     */
    public static StreamPushers start(StreamHub hub, List<String> urls) {
        List<PushTarget> targets = urls.stream().map(PushTarget::parse).toList();
        List<StreamPusher> started = new ArrayList<>(targets.size());
        for (PushTarget target : targets) {
            started.add(StreamPusher.start(hub, target));
        }
        return new StreamPushers(started);
    }

    public List<StreamPusher> pushers() {
        return pushers;
    }

    /** Stops every pusher (each interrupts its blocked call and closes its connection). Idempotent. */
    @Override
    public void dispose() {
        disposed = true;
        pushers.forEach(StreamPusher::dispose);
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }
}
