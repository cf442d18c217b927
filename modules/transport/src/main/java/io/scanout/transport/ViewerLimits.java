package io.scanout.transport;

import java.time.Duration;

/**
 * How far a viewer may fall behind before the {@link StreamHub} skips it to the next keyframe, and
 * how often the hub may ask the encoder for a keyframe, and how much of the current GOP it keeps for
 * viewers that join.
 *
 * <p>A viewer's queue holds packets the hub has received but the viewer has not taken yet. When
 * either bound would be passed, the viewer is behind: its queue is emptied, it waits for the next
 * keyframe and one is requested. A single packet larger than {@code maxQueuedBytes} is still
 * accepted into an empty queue, so a big keyframe never locks a viewer out.
 *
 * @param maxQueuedPackets       packets a viewer may have waiting; 60 is one second at 60 fps
 * @param maxQueuedBytes         bytes a viewer may have waiting
 * @param minKeyframeInterval    least time between two keyframe requests to the encoder; requests
 *                               within it are merged into one sent when it has passed (a viewer that
 *                               joins while no keyframe is on its way asks at once)
 * @param gopCachePackets        packets of the current GOP the hub keeps to start joiners at its
 *                               keyframe; a longer GOP is not kept and joiners ask the encoder instead
 * @param gopCacheBytes          bytes of the current GOP the hub keeps, likewise
 */
public record ViewerLimits(int maxQueuedPackets, long maxQueuedBytes, Duration minKeyframeInterval,
                           int gopCachePackets, long gopCacheBytes) {
    public static final int DEFAULT_MAX_QUEUED_PACKETS = 60;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 8L << 20;
    public static final Duration DEFAULT_MIN_KEYFRAME_INTERVAL = Duration.ofMillis(250);
    /** 300 packets: the default 120-frame keyframe interval at up to 150 fps, or 10 s at 30 fps. */
    public static final int DEFAULT_GOP_CACHE_PACKETS = 300;
    public static final long DEFAULT_GOP_CACHE_BYTES = 16L << 20;

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
        if (gopCachePackets < 0 || gopCacheBytes < 0) {
            throw new IllegalArgumentException("gopCachePackets and gopCacheBytes must be zero (no cache) or more, got "
                    + gopCachePackets + " and " + gopCacheBytes);
        }
    }

    /** With the default GOP cache (300 packets, 16 MiB). */
    public ViewerLimits(int maxQueuedPackets, long maxQueuedBytes, Duration minKeyframeInterval) {
        this(maxQueuedPackets, maxQueuedBytes, minKeyframeInterval, DEFAULT_GOP_CACHE_PACKETS,
                DEFAULT_GOP_CACHE_BYTES);
    }

    /** 60 packets, 8 MiB, 250 ms; a GOP cache of 300 packets, 16 MiB. */
    public static ViewerLimits defaults() {
        return new ViewerLimits(DEFAULT_MAX_QUEUED_PACKETS, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MIN_KEYFRAME_INTERVAL);
    }
}
