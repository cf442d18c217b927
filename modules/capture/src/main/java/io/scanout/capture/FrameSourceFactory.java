package io.scanout.capture;

import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;

/**
 * Opens a source of one URI scheme; {@link FrameSources} keeps one per scheme.
 *
 * <p>Opening validates the URI (a bad parameter is an {@link IllegalArgumentException} naming it)
 * but captures nothing: that starts when the source's {@link FrameSource#frames()} is subscribed.
 */
@FunctionalInterface
public interface FrameSourceFactory {
    FrameSource open(SourceUri uri, FramePool pool, StreamMeters meters);
}
