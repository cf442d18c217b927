package io.scanout.transport.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamParametersTest {
    /** Codec strings as Scanout's encoders' bitstreams give them (8-bit and 10-bit sources). */
    @ParameterizedTest(name = "{0} {1}: {2} bits")
    @CsvSource({
        "H264, avc1.42C01F, 8", "H264, avc1.640028, 8", "H264, avc1.6E0028, 10",
        "HEVC, hev1.1.6.L93.B0, 8", "HEVC, hev1.2.4.L120.B0, 10", "HEVC, hvc1.A2.4.L120.B0, 10",
        "VP8, vp8, 8", "VP9, vp09.00.30.08, 8", "VP9, vp09.02.30.10, 10",
        "AV1, av01.0.04M.08, 8", "AV1, av01.0.08M.10, 10"})
    void theDeclaredPictureHasTheCodecStringsBitDepth(Codec codec, String codecString, int bits) {
        CodecConfig config = new CodecConfig(codec, "test", 64, 48, codecString, new byte[0]);
        assertThat(StreamParameters.bitDepth(config)).isEqualTo(bits);
        AVCodecParameters par = avcodec_parameters_alloc();
        try {
            StreamParameters.describe(config, par);
            assertThat(par.format()).isEqualTo(bits == 10 ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P);
            assertThat(par.width()).isEqualTo(64);
        } finally {
            avcodec_parameters_free(par);
        }
    }
}
