package io.scanout.transport;

import io.scanout.core.EncodedPacket;

/**
 * A packet as a {@link StreamHub} hands it to a viewer, with the time the hub received it, so a
 * transport can measure how long the packet waited before it was written ({@code stage=send}).
 * One instance per packet, shared by every viewer; immutable.
 *
 * @param receivedNanos {@link System#nanoTime()} when the hub received the packet
 * @param index         the packet's place in the hub's stream, from 0, one more per packet; a viewer
 *                      that sees a gap in it was skipped ahead (to the keyframe it now has)
 */
public record HubPacket(EncodedPacket packet, long receivedNanos, long index) {
    public HubPacket {
        if (packet == null) {
            throw new IllegalArgumentException("packet is required");
        }
    }
}
