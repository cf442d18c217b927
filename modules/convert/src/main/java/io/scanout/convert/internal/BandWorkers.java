package io.scanout.convert.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one job over many bands (e.g. groups of rows of a frame) on the calling thread and a few
 * threads of its own. Bands are claimed one at a time from a shared counter, so a helper thread
 * the OS does not schedule in time simply claims fewer of them: on a busy machine the caller ends
 * up doing most of the work itself rather than waiting for a thread that is not running.
 *
 * <p>{@link #run()} allocates nothing: the job is an object the caller keeps, helper threads are
 * woken with {@link LockSupport#unpark} and the caller waits the same way. One thread at a time
 * calls {@link #run()}; it blocks until every band is done. Owns its threads (daemons); {@link #close()}
 * ends them, after a run in progress.
 */
final class BandWorkers implements AutoCloseable {
    /**
     * One job: converts band {@code band} (0-based) of the run in progress, on worker
     * {@code worker} (0 the caller, 1.. the helpers), so that each thread can use scratch of its own.
     */
    interface Job {
        void runBand(int band, int worker);
    }

    private final Job job;
    private final int bands;
    private final Thread[] helpers;
    private final AtomicInteger nextBand = new AtomicInteger();
    /** Bands finished in this run; the caller waits for it to reach {@link #bands}. */
    private final AtomicInteger finished = new AtomicInteger();
    private volatile int generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

    /**
     * @param job     what each band runs; it reads the run's input from fields the caller sets
     *                before {@link #run()}
     * @param bands   how many bands a run has
     * @param threads the threads a run uses, the caller's included: {@code threads − 1} helpers
     * @param name    for the helper threads' names
     */
    BandWorkers(Job job, int bands, int threads, String name) {
        if (threads < 1 || bands < 1) {
            throw new IllegalArgumentException("threads and bands must be at least 1, not " + threads + " and "
                    + bands);
        }
        this.job = job;
        this.bands = bands;
        helpers = new Thread[Math.min(threads, bands) - 1];
        for (int i = 0; i < helpers.length; i++) {
            int worker = i + 1;
            Thread t = new Thread(() -> helperLoop(worker), name + "-" + worker);
            t.setDaemon(true);
            helpers[i] = t;
        }
        for (Thread t : helpers) {
            t.start();
        }
    }

    int threads() {
        return helpers.length + 1;
    }

    /**
     * Runs the job on bands {@code 0 .. bands − 1}, each exactly once, and returns when all are
     * done. What the caller wrote before this call is visible to every band. A band's exception is
     * rethrown here (the first one; the other bands still run).
     */
    void run() {
        if (closed) {
            throw new IllegalStateException("the band workers are closed");
        }
        if (helpers.length == 0) {
            for (int band = 0; band < bands; band++) {
                job.runBand(band, 0);
            }
            return;
        }
        caller = Thread.currentThread();
        failure = null;
        // In this order: a helper still finishing the previous run's loop can only claim a band of
        // this run after the count of finished bands is reset for it.
        finished.set(0);
        nextBand.set(0);
        generation++;
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
        work(0);
        while (finished.get() < bands) {
            LockSupport.park(this);
        }
        Throwable failed = failure;
        if (failed != null) {
            if (failed instanceof RuntimeException) {
                throw (RuntimeException) failed;
            }
            if (failed instanceof Error) {
                throw (Error) failed;
            }
            throw new IllegalStateException(failed);
        }
    }

    /** Claims and runs bands until none is left; wakes the caller after the last one. */
    private void work(int worker) {
        for (int band = nextBand.getAndIncrement(); band < bands; band = nextBand.getAndIncrement()) {
            try {
                job.runBand(band, worker);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
            if (finished.incrementAndGet() == bands) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void helperLoop(int worker) {
        int seen = 0;
        while (!closed) {
            int now = generation;
            if (now == seen) {
                LockSupport.park(this);
                continue;
            }
            seen = now;
            work(worker);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
    }
}
