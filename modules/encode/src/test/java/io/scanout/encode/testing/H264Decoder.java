package io.scanout.encode.testing;

/**
 * FFmpeg's native {@code h264} decoder: Annex B packets in, RGB pictures out. See {@link VideoDecoder}.
 * One thread at a time.
 */
public final class H264Decoder extends VideoDecoder {
    public H264Decoder() {
        super("h264");
    }
}
