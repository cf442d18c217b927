package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.FramePool;
import io.scanout.encode.testing.H264Decoder;
import io.scanout.encode.testing.VideoDecoder;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class H264ParameterSetsTest {
    private final FramePool pool = new FramePool();

    @AfterEach
    void closePool() {
        assertThat(pool.stats().outstanding()).isZero();
        pool.close();
    }

    @ParameterizedTest
    @EnumSource(names = {"X264", "OPENH264"})
    void codecStringAgreesWithWhatAnIndependentDecoderReadsFromTheSps(EncoderCandidate encoder) {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(encoder, pool, 640, 360, 3);

        CodecConfig config = H264ParameterSets.fromKeyframe(packets.get(0).data(), encoder.ffmpegName(), 640, 360)
                .orElseThrow();
        int profile;
        int level;
        try (H264Decoder decoder = new H264Decoder()) {
            decoder.decode(packets.get(0).data());
            decoder.flush();
            profile = decoder.profile();
            level = decoder.level();
        }

        assertThat(config.codec()).isEqualTo(Codec.H264);
        assertThat(config.encoder()).isEqualTo(encoder.ffmpegName());
        assertThat(config.width()).isEqualTo(640);
        assertThat(config.height()).isEqualTo(360);
        assertThat(config.codecString()).matches("avc1\\.[0-9A-F]{6}");
        assertThat(config.codecString().substring(5, 7)).isEqualTo(hex(profile & 0xff));
        assertThat(config.codecString().substring(9, 11)).isEqualTo(hex(level));
        // FFmpeg marks constraint_set1 on Baseline as FF_PROFILE_H264_CONSTRAINED (1 << 9).
        int constraints = Integer.parseInt(config.codecString().substring(7, 9), 16);
        assertThat((constraints & 0x40) != 0).isEqualTo((profile & 1 << 9) != 0);
        byte[] sets = config.parameterSets();
        assertThat(AnnexB.types(sets)).containsExactly(AnnexB.SPS, AnnexB.PPS);
        assertThat(sets).startsWith(0, 0, 0, 1, 0x67);
    }

    @Test
    void aFrameWithoutParameterSetsGivesNoConfiguration() {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(EncoderCandidate.X264, pool, 320, 240, 2);

        assertThat(packets.get(1).keyframe()).isFalse();
        assertThat(H264ParameterSets.fromKeyframe(packets.get(1).data(), "libx264", 320, 240)).isEmpty();
    }

    @Test
    void codecStringReadsProfileConstraintsAndLevel() {
        byte[] sps = {0x67, 0x64, 0x00, 0x28, (byte) 0xAC};

        assertThat(H264ParameterSets.codecString(sps)).isEqualTo("avc1.640028");
        assertThatThrownBy(() -> H264ParameterSets.codecString(new byte[] {0x68, 1, 2, 3}))
                .hasMessageContaining("not an H.264 SPS").hasMessageContaining("NAL type 8");
        assertThatThrownBy(() -> H264ParameterSets.codecString(new byte[] {0x67, 1}))
                .hasMessageContaining("2 B");
    }

    @Test
    void bitDepthIsReadFromTheSpsOfTheProfilesThatCarryIt() {
        // High 10 (110): seq_parameter_set_id 0, chroma_format_idc 1, bit_depth_luma/chroma_minus8 2 and 2.
        byte[] high10 = {0x67, 0x6E, 0x00, 0x28, (byte) 0b1010_0110, (byte) 0b1110_0000};
        // High (100), the same fields at 8 bits; Baseline (66) has no such fields.
        byte[] high = {0x67, 0x64, 0x00, 0x28, (byte) 0b1010_1110, 0};
        byte[] baseline = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0x80};

        assertThat(H264ParameterSets.bitDepth(high10)).isEqualTo(10);
        assertThat(H264ParameterSets.bitDepth(high)).isEqualTo(8);
        assertThat(H264ParameterSets.bitDepth(baseline)).isEqualTo(8);
        assertThatThrownBy(() -> H264ParameterSets.bitDepth(new byte[] {0x68, 1, 2, 3}))
                .hasMessageContaining("not an H.264 SPS");
    }

    @Test
    void aKeyframesConfigurationCarriesItsSpssBitDepth() {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(EncoderCandidate.X264, pool, 320, 240, 1);

        byte[] keyframe = packets.get(0).data();
        CodecConfig config = H264ParameterSets.fromKeyframe(keyframe, "libx264", 320, 240).orElseThrow();
        assertThat(config.bitDepth()).isEqualTo(8);
        AnnexB.NalUnit sps = AnnexB.units(keyframe, true).stream().filter(u -> u.type() == AnnexB.SPS).findFirst()
                .orElseThrow();
        assertThat(config.bitDepth()).isEqualTo(H264ParameterSets.bitDepth(sps.copy(keyframe)));
    }

    private static String hex(int value) {
        return String.format(Locale.ROOT, "%02X", value);
    }

    @Test
    void avcCRecordsProfileLevelAndBothSetsWithFourByteLengths() {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(EncoderCandidate.X264, pool, 320, 240, 1);
        CodecConfig config = H264ParameterSets.fromKeyframe(packets.get(0).data(), "libx264", 320, 240).orElseThrow();
        byte[] sets = config.parameterSets();
        List<AnnexB.NalUnit> units = AnnexB.units(sets, false);
        byte[] sps = units.get(0).copy(sets);
        byte[] pps = units.get(1).copy(sets);

        byte[] avcC = H264ParameterSets.toAvcC(sets);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {1, sps[1], sps[2], sps[3], (byte) 0xff, (byte) 0xe1});
        expected.writeBytes(new byte[] {(byte) (sps.length >> 8), (byte) sps.length});
        expected.writeBytes(sps);
        expected.writeBytes(new byte[] {1, (byte) (pps.length >> 8), (byte) pps.length});
        expected.writeBytes(pps);
        // x264 ultrafast makes Constrained Baseline (66): no High-profile extension.
        assertThat(sps[1]).isEqualTo((byte) 66);
        assertThat(avcC).isEqualTo(expected.toByteArray());
    }

    @Test
    void aHighProfileAvcCCarriesChromaFormatAndBitDepthsFromTheSps() {
        // A High profile SPS (profile_idc 100, level 3.1) as x264 writes one for 1280x720: chroma_format_idc 1,
        // 8-bit luma and chroma.
        byte[] sps = bytes(0x67, 0x64, 0x00, 0x1F, 0xAC, 0xD9, 0x40, 0x50, 0x05, 0xBB, 0x01, 0x10, 0x00, 0x00, 0x03,
                0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xC0, 0xF1, 0x83, 0x19, 0x60);
        byte[] pps = bytes(0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0);
        byte[] sets = annexB(sps, pps);

        byte[] avcC = H264ParameterSets.toAvcC(sets);

        assertThat(H264ParameterSets.chromaFormatAndDepths(sps)).containsExactly(1, 0, 0);
        assertThat(avcC).startsWith(1, 0x64, 0x00, 0x1F, 0xff, 0xe1, 0, sps.length);
        // reserved bits and chroma_format 1, bit_depth_luma_minus8 0, bit_depth_chroma_minus8 0, no SPS extensions.
        assertThat(avcC).endsWith(0xfd, 0xf8, 0xf8, 0);
        assertThat(avcC).hasSize(6 + 2 + sps.length + 1 + 2 + pps.length + 4);
    }

    @Test
    void ffmpegsDecoderTakesTheAvcCAndLengthPrefixedPacketsAsMp4CarriesThem() {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(EncoderCandidate.X264, pool, 320, 240, 8);
        CodecConfig config = H264ParameterSets.fromKeyframe(packets.get(0).data(), "libx264", 320, 240).orElseThrow();

        try (VideoDecoder mp4 = new VideoDecoder("h264", H264ParameterSets.toAvcC(config.parameterSets()))) {
            int pictures = 0;
            for (EncodedFrames.Packet p : packets) {
                pictures += mp4.decode(AnnexB.toLengthPrefixed(p.data())).size();
            }
            pictures += mp4.flush().size();
            assertThat(pictures).isEqualTo(8);
            assertThat(mp4.errors()).isZero();
        }
        // Control: the same length-prefixed packets without the avcC are no stream the decoder knows.
        try (VideoDecoder bare = new VideoDecoder("h264")) {
            int pictures = 0;
            for (EncodedFrames.Packet p : packets) {
                pictures += bare.decode(AnnexB.toLengthPrefixed(p.data())).size();
            }
            pictures += bare.flush().size();
            assertThat(pictures < 8 || bare.errors() > 0).isTrue();
        }
    }

    @Test
    void avcCNeedsAnSpsAndAPps() {
        byte[] sps = bytes(0x67, 0x42, 0xC0, 0x1E, 0xDA);
        assertThatThrownBy(() -> H264ParameterSets.toAvcC(annexB(sps)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1 and 0");
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] annexB(byte[]... units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] unit : units) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }
}
