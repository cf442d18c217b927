package io.scanout.convert.internal;

import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;

/**
 * How frames of one input format and size become output frames: {@link DirectConversion} for the
 * common cases, {@link ConversionPlan} (libswscale) for the rest. Owns its native state and
 * threads; {@link #close()} frees them. One thread at a time calls {@link #run}.
 */
public interface Conversion extends AutoCloseable {
    VideoFormat input();

    VideoFormat output();

    /**
     * Converts a frame of {@link #input()} into a new frame from the pool. {@code in} stays the
     * caller's; the result is the caller's to release.
     */
    Frame run(Frame in, FramePool pool);

    /** For the log: what happens to each frame, and with what. */
    String describe();

    @Override
    void close();
}
