package io.scanout.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * The stream's current group of pictures — the latest keyframe and every packet after it — so a
 * viewer that joins starts at that keyframe at once, instead of waiting for the encoder's next one.
 *
 * <p>Bounded by packets and bytes ({@link ViewerLimits#gopCachePackets()},
 * {@link ViewerLimits#gopCacheBytes()}): a GOP that outgrows either is dropped whole, and until the
 * next keyframe the cache is empty, so joiners fall back to asking the encoder for a keyframe.
 * Nothing is kept before the first keyframe.
 *
 * <p>Not thread-safe: the {@link StreamHub} calls it under its join lock, which orders each
 * {@link #add} against each {@link #snapshot}.
 */
final class GopCache {
    private static final HubPacket[] NONE = new HubPacket[0];

    private final int maxPackets;
    private final long maxBytes;
    private final List<HubPacket> packets = new ArrayList<>();
    private long bytes;

    GopCache(int maxPackets, long maxBytes) {
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    /** A packet went through the hub: a keyframe starts a new GOP, others extend the current one. */
    void add(HubPacket hubPacket) {
        int size = hubPacket.packet().size();
        if (hubPacket.packet().keyframe()) {
            clear();
        } else if (packets.isEmpty()) {
            return; // no keyframe to start from
        }
        if (packets.size() >= maxPackets || bytes + size > maxBytes) {
            // Outgrown: a joiner asks the encoder instead. A lone keyframe over the byte bound lands here too.
            clear();
            return;
        }
        packets.add(hubPacket);
        bytes += size;
    }

    /** The current GOP, keyframe first, in order; empty when there is none to start from. */
    HubPacket[] snapshot() {
        return packets.isEmpty() ? NONE : packets.toArray(NONE);
    }

    private void clear() {
        packets.clear();
        bytes = 0;
    }
}
