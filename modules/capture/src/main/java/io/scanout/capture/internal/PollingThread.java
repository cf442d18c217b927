package io.scanout.capture.internal;

import io.scanout.core.FrameEvent;
import java.util.concurrent.locks.LockSupport;
import reactor.core.Disposable;
import reactor.core.publisher.FluxSink;

/**
 * A source's polling thread for one subscriber (region, VFIO, KMS): a daemon thread that runs
 * {@link #run()} and stops when disposed (the sink's cancel, complete or error) — disposing only
 * flags and wakes it, it never blocks; the thread closes what it opened on its way out.
 */
public abstract class PollingThread implements Runnable, Disposable {
    /** Where the frames go; written by the polling thread only. */
    protected final FluxSink<FrameEvent> sink;
    private final Thread thread;
    private volatile boolean disposed;

    protected PollingThread(FluxSink<FrameEvent> sink, String threadName) {
        this.sink = sink;
        this.thread = new Thread(this, threadName);
        thread.setDaemon(true);
    }

    /** Ties the thread to the sink's end and starts it. */
    protected final void startPolling() {
        sink.onDispose(this);
        thread.start();
    }

    /** Whether to stop: disposed, or the subscriber went away. */
    protected final boolean stopped() {
        return disposed || sink.isCancelled();
    }

    @Override
    public final void dispose() {
        disposed = true;
        LockSupport.unpark(thread);
    }

    @Override
    public final boolean isDisposed() {
        return disposed;
    }
}
