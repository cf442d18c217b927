package io.scanout.transport;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;

/** Hand-made packets for tests: content is a recognisable byte pattern, not a real bitstream. */
final class Packets {
    static final CodecConfig CONFIG = new CodecConfig(Codec.H264, "test-encoder", 640, 360, 8, "avc1.42C01E",
            new byte[] {0, 0, 0, 1, 0x67, 0x42, (byte) 0xC0, 0x1E, 0, 0, 0, 1, 0x68, (byte) 0xCE, 0x3C, (byte) 0x80});

    /** Packet {@code sequence} of a stream with a keyframe every {@code gop} packets. */
    static EncodedPacket inGop(long sequence, int gop) {
        return packet(sequence, sequence % gop == 0, 100);
    }

    static EncodedPacket packet(long sequence, boolean keyframe, int size) {
        return packet(CONFIG, sequence, keyframe, size);
    }

    static EncodedPacket packet(CodecConfig config, long sequence, boolean keyframe, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (sequence + i);
        }
        return new EncodedPacket(config, bytes, sequence * 33_333, keyframe, sequence, System.nanoTime());
    }

    private Packets() {
    }
}
