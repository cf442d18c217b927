package io.scanout.core.metrics;

import java.util.Locale;

/** Why a frame or packet did not go on: the bounded values of the {@code reason} tag. */
public enum DropReason {
    /** A newer frame replaced it before the next stage asked (newest frame wins). */
    BACKPRESSURE,
    /** Nothing changed since the previous frame, so it was not encoded. */
    UNCHANGED,
    /** A stage failed on it (bad layout, encoder error); the stream went on. */
    ERROR,
    /** A viewer fell behind and skipped to the next keyframe. */
    VIEWER_BEHIND;

    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
