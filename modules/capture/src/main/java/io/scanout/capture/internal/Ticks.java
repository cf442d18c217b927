package io.scanout.capture.internal;

import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.StreamMeters;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.FluxSink;

/** The pacing a polling source's own thread keeps: sleeping to the next tick, skipping ticks nobody asked for. */
public final class Ticks {
    private Ticks() {
    }

    /**
     * Parks the calling thread until {@code deadline} ({@link System#nanoTime()}) or until
     * {@code stopped} is true; an unpark of the thread, with {@code blocker}, wakes it to look again.
     */
    public static void sleepUntil(long deadline, BooleanSupplier stopped, Object blocker) {
        long remaining;
        while (!stopped.getAsBoolean() && (remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(blocker, remaining);
        }
    }

    /**
     * Whether the subscriber wants a frame at this tick; when not, the tick counts as dropped
     * ({@link DropReason#BACKPRESSURE}) and the source takes nothing, so the next frame is the newest.
     */
    public static boolean demanded(FluxSink<?> sink, StreamMeters meters) {
        if (sink.requestedFromDownstream() > 0) {
            return true;
        }
        meters.frameDropped(DropReason.BACKPRESSURE);
        return false;
    }
}
