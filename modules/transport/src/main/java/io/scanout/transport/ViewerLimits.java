package io.scanout.transport;

import java.time.Duration;

/**
 * How far a viewer may fall behind before the {@link StreamHub} skips it to the next keyframe, and
 * how often the hub may ask the encoder for a keyframe.
 *
 * <p>A viewer's queue holds packets the hub has received but the viewer has not taken yet. When
 * either bound would be passed, the viewer is behind: its queue is emptied, it waits for the next
 * keyframe and one is requested. A single packet larger than {@code maxQueuedBytes} is still
 * accepted into an empty queue, so a big keyframe never locks a viewer out.
 *
 * @param maxQueuedPackets       packets a viewer may have waiting; 60 is one second at 60 fps
 * @param maxQueuedBytes         bytes a viewer may have waiting
 * @param minKeyframeInterval    least time between two keyframe requests to the encoder; requests
 *                               within it are merged into one sent when it has passed
 */
public record ViewerLimits(int maxQueuedPackets, long maxQueuedBytes, Duration minKeyframeInterval) {
    public static final int DEFAULT_MAX_QUEUED_PACKETS = 60;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 8L << 20;
    public static final Duration DEFAULT_MIN_KEYFRAME_INTERVAL = Duration.ofMillis(250);

    public ViewerLimits {
        if (maxQueuedPackets < 1) {
            throw new IllegalArgumentException("maxQueuedPackets must be at least 1, got " + maxQueuedPackets);
        }
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be at least 1, got " + maxQueuedBytes);
        }
        if (minKeyframeInterval == null || minKeyframeInterval.isNegative()) {
            throw new IllegalArgumentException("minKeyframeInterval must be zero or more, got " + minKeyframeInterval);
        }
    }

    /** 60 packets, 8 MiB, 250 ms. */
    public static ViewerLimits defaults() {
        return new ViewerLimits(DEFAULT_MAX_QUEUED_PACKETS, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MIN_KEYFRAME_INTERVAL);
    }
}
