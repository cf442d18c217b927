package io.scanout.encode.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native objects made in steps, freed in reverse: each {@link #add} records how to free what a step
 * made, and {@link #close()} runs those in reverse order — on success at the end of the owner's life,
 * or right away when a later step fails (the Java form of a C {@code goto fail} ladder).
 *
 * <p>Not thread-safe: the owner's thread builds and closes it. {@link #close()} is idempotent.
 */
final class NativeChain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NativeChain.class);

    private final Deque<Step> steps = new ArrayDeque<>();

    private record Step(String what, Runnable free) {
    }

    /**
     * Records that {@code resource} was made and how to free it; returns it. A null resource (a
     * failed allocation) records nothing.
     */
    <T> T add(String what, T resource, Consumer<T> free) {
        if (resource != null) {
            steps.push(new Step(what, () -> free.accept(resource)));
        }
        return resource;
    }

    /** Frees everything recorded, last first. Every step runs even when one throws; the first throw is rethrown. */
    @Override
    public void close() {
        RuntimeException first = null;
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                step.free().run();
            } catch (RuntimeException e) {
                LOG.error("freeing {} failed; freeing the rest", step.what(), e);
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Native objects held now. */
    int size() {
        return steps.size();
    }
}
