package io.scanout.transport.mux;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native objects made in steps, freed in reverse: {@link #add} records how to free what a step made,
 * {@link #close()} runs those last first — at the end of the owner's life, or at once when a later
 * step fails. Not thread-safe: its owner builds and closes it. Idempotent.
 */
final class NativeSteps implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NativeSteps.class);

    private final Deque<Step> steps = new ArrayDeque<>();

    private record Step(String what, Runnable free) {
    }

    /** Records how to free {@code what}, which was just made. */
    void add(String what, Runnable free) {
        steps.push(new Step(what, free));
    }

    /** Frees everything recorded, last first; every step runs even when one throws. */
    @Override
    public void close() {
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                step.free().run();
            } catch (RuntimeException e) {
                log.error("freeing {} failed; freeing the rest", step.what(), e);
            }
        }
    }
}
