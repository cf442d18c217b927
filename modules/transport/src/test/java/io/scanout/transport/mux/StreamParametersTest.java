package io.scanout.transport.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamParametersTest {
    /** The codec string is what a 8-bit stream would say: the declared picture follows the config's depth. */
    @ParameterizedTest(name = "{0} {1}: {2} bits")
    @CsvSource({
        "H264, avc1.640028, 8", "H264, avc1.640028, 10", "HEVC, hev1.1.6.L93.B0, 8", "HEVC, hev1.1.6.L93.B0, 10",
        "VP8, vp8, 8", "VP9, vp09.00.30.08, 8", "VP9, vp09.00.30.08, 10", "AV1, av01.0.04M.08, 10"})
    void theDeclaredPictureHasTheConfigsBitDepth(Codec codec, String codecString, int bits) {
        CodecConfig config = new CodecConfig(codec, "test", 64, 48, bits, codecString, new byte[0]);
        AVCodecParameters par = avcodec_parameters_alloc();
        try {
            StreamParameters.describe(config, MuxFormat.FLV, par);
            assertThat(par.format()).isEqualTo(bits == 10 ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P);
            assertThat(par.width()).isEqualTo(64);
            assertThat(par.height()).isEqualTo(48);
        } finally {
            avcodec_parameters_free(par);
        }
    }

    @Test
    void hevcIsTaggedHvc1InMp4AndLeftToTheMuxerElsewhere() {
        CodecConfig hevc = new CodecConfig(Codec.HEVC, "test", 64, 48, 8, "hev1.1.6.L93.B0", new byte[0]);
        CodecConfig h264 = new CodecConfig(Codec.H264, "test", 64, 48, 8, "avc1.640028", new byte[0]);
        assertThat(tag(hevc, MuxFormat.FRAGMENTED_MP4)).isEqualTo("hvc1");
        assertThat(tag(hevc, MuxFormat.MPEG_TS)).isEqualTo("\0\0\0\0");
        assertThat(tag(hevc, MuxFormat.FLV)).isEqualTo("\0\0\0\0");
        assertThat(tag(h264, MuxFormat.FRAGMENTED_MP4)).isEqualTo("\0\0\0\0");
        assertThat(StreamParameters.setsInSampleEntryOnly(MuxFormat.FRAGMENTED_MP4, Codec.HEVC)).isTrue();
        assertThat(StreamParameters.setsInSampleEntryOnly(MuxFormat.MPEG_TS, Codec.HEVC)).isFalse();
        assertThat(StreamParameters.setsInSampleEntryOnly(MuxFormat.FRAGMENTED_MP4, Codec.H264)).isFalse();
    }

    /** The codec_tag describe() sets, as its four characters (FFmpeg's MKTAG is little-endian). */
    private static String tag(CodecConfig config, MuxFormat format) {
        AVCodecParameters par = avcodec_parameters_alloc();
        try {
            StreamParameters.describe(config, format, par);
            int tag = par.codec_tag();
            return new String(new byte[] {(byte) tag, (byte) (tag >> 8), (byte) (tag >> 16), (byte) (tag >> 24)},
                    StandardCharsets.ISO_8859_1);
        } finally {
            avcodec_parameters_free(par);
        }
    }
}
