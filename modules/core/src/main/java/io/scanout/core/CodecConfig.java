package io.scanout.core;

import java.util.Arrays;

/**
 * What a decoder needs before the first packet: the codec, the coded size, the bit depth, the
 * codec string a browser's WebCodecs takes (RFC 6381, e.g. {@code avc1.42C01F}) and the parameter
 * sets (for H.264 the SPS and PPS, Annex B with start codes). One instance per encoder
 * configuration: packets share it, and a new one appears when the encoder is re-created.
 *
 * @param encoder  which encoder made it, e.g. {@code libx264}, for {@code /streams} and metrics
 * @param bitDepth bits per sample of the coded 4:2:0 picture, as the bitstream's own header says
 *                 it (the SPS, the VP9 keyframe header, the AV1 sequence header): 8 or 10, the
 *                 depths Scanout encodes
 */
public record CodecConfig(Codec codec, String encoder, int width, int height, int bitDepth, String codecString,
                          byte[] parameterSets) {
    public CodecConfig {
        if (bitDepth != 8 && bitDepth != 10) {
            throw new IllegalArgumentException("a " + codec + " stream of " + bitDepth
                    + " bits per sample; Scanout streams are 8 or 10 bits (codec string " + codecString + ")");
        }
        parameterSets = parameterSets.clone();
    }

    @Override
    public byte[] parameterSets() {
        return parameterSets.clone();
    }

    /** Bytes of the parameter sets, without copying them. */
    public int parameterSetsLength() {
        return parameterSets.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodecConfig c && codec == c.codec && encoder.equals(c.encoder) && width == c.width
                && height == c.height && bitDepth == c.bitDepth && codecString.equals(c.codecString)
                && Arrays.equals(parameterSets, c.parameterSets);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * codec.hashCode() + bitDepth) + codecString.hashCode()) + Arrays.hashCode(parameterSets);
    }

    @Override
    public String toString() {
        return codec + " " + codecString + " " + width + "x" + height + " " + bitDepth + "-bit by " + encoder
                + " (" + parameterSets.length + " B of parameter sets)";
    }
}
