package io.scanout.transport;

import io.scanout.core.EncodedPacket;
import java.nio.ByteBuffer;

/**
 * A packet as a {@link StreamHub} hands it to a viewer, with the time the hub received it, so a
 * transport can measure how long the packet waited before it was written ({@code stage=send}).
 * One instance per packet, shared by every viewer; immutable.
 */
public final class HubPacket {
    private final EncodedPacket packet;
    private final long receivedNanos;
    private final long index;
    /** The payload in direct memory, made by the first viewer that asks; a race makes two, both right. */
    private volatile ByteBuffer directPayload;

    /**
     * @param receivedNanos {@link System#nanoTime()} when the hub received the packet
     * @param index         the packet's place in the hub's stream, from 0, one more per packet; a viewer
     *                      that sees a gap in it was skipped ahead (to the keyframe it now has)
     */
    public HubPacket(EncodedPacket packet, long receivedNanos, long index) {
        if (packet == null) {
            throw new IllegalArgumentException("packet is required");
        }
        this.packet = packet;
        this.receivedNanos = receivedNanos;
        this.index = index;
    }

    public EncodedPacket packet() {
        return packet;
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    public long index() {
        return index;
    }

    /**
     * The packet's bytes in direct memory, read-only, positioned at 0; each call a new view of one
     * shared copy. A socket writes heap bytes by copying them into direct memory first, once per
     * viewer; a payload copied once here goes to every viewer's socket without another copy. The
     * copy is the garbage collector's to free, so no viewer has to release it: it goes with the
     * young-generation collection that takes this packet, and the packet's own heap bytes, as large
     * as the copy, make those collections come at least as often as the copies add up.
     */
    public ByteBuffer directPayload() {
        ByteBuffer payload = directPayload;
        if (payload == null) {
            byte[] bytes = packet.bytes();
            payload = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
            directPayload = payload;
        }
        return payload.duplicate();
    }

    @Override
    public String toString() {
        return "HubPacket[" + index + ", " + packet + "]";
    }
}
