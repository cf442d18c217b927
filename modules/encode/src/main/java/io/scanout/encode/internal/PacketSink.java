package io.scanout.encode.internal;

/** Where {@link FfmpegEncoder} hands each packet, on the encoder's thread. */
@FunctionalInterface
public interface PacketSink {
    /**
     * @param data      the packet's bytes (Annex B), copied once out of FFmpeg; now the receiver's
     * @param ptsMicros the pts of the frame it encodes
     * @param keyframe  whether a decoder can start here (IDR)
     */
    void packet(byte[] data, long ptsMicros, boolean keyframe);
}
