package io.scanout.core;

import java.nio.ByteBuffer;

/**
 * One encoded frame: the bitstream (H.264 in Annex B), its presentation time, whether a decoder
 * can start at it, the configuration it needs, and the capture time of the frame it came from,
 * so latency is measured from capture to wire.
 *
 * <p>Unlike frames, packets live on the Java heap and are immutable: they are small, and the hub
 * hands the same packet to many viewers on many threads, where a shared immutable array needs no
 * reference counting at all. The array is not copied in or out: {@link #bytes()} is the packet's
 * own array, to be wrapped for writing (never modified); {@link #data()} is a read-only view.
 *
 * @param sequence     the {@link FrameEvent#sequence()} of the source frame
 * @param ptsMicros    presentation time, microseconds from the stream's start
 * @param captureNanos {@link System#nanoTime()} when the source frame was captured
 */
public record EncodedPacket(CodecConfig config, byte[] bytes, long ptsMicros, boolean keyframe,
                            long sequence, long captureNanos) {
    public EncodedPacket {
        if (config == null || bytes == null) {
            throw new IllegalArgumentException("config and bytes are required");
        }
    }

    /** The bitstream, read-only. */
    public ByteBuffer data() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    public int size() {
        return bytes.length;
    }

    public Codec codec() {
        return config.codec();
    }

    @Override
    public String toString() {
        return "EncodedPacket[" + config.codec() + " #" + sequence + " pts " + ptsMicros + " µs, " + bytes.length
                + " B" + (keyframe ? ", key" : "") + "]";
    }
}
