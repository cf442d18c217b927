package io.scanout.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Codec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodecStringDepthTest {
    /** Codec strings as Scanout's encoders' bitstreams give them (8-bit and 10-bit sources), and others. */
    @ParameterizedTest(name = "{0} {1}: {2} bits")
    @CsvSource({
        "H264, avc1.42C01F, 8", "H264, avc1.640028, 8", "H264, avc1.6E0028, 10", "H264, avc1.6e0028, 10",
        "HEVC, hev1.1.6.L93.B0, 8", "HEVC, hev1.2.4.L120.B0, 10", "HEVC, hvc1.A2.4.L120.B0, 10", "HEVC, hev1, 8",
        "VP8, vp8, 8", "VP9, vp09.00.30.08, 8", "VP9, vp09.02.30.10, 10", "VP9, vp09.02.30.12, 12",
        "AV1, av01.0.04M.08, 8", "AV1, av01.0.08M.10, 10", "AV1, av01, 8"})
    void theCodecStringSaysTheDepth(Codec codec, String codecString, int bits) {
        assertThat(CodecStringDepth.bitDepth(codec, codecString)).isEqualTo(bits);
    }
}
