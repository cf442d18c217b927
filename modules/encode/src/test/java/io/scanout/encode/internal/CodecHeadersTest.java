package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header readers behind the VP9 and AV1 codec strings, on hand-made bitstreams. Real streams: SoftwareEncodersTest. */
class CodecHeadersTest {
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @ParameterizedTest(name = "{0}x{1} at {2} fps and {3} bit/s is level {4}")
    @CsvSource({"320, 240, 30, 1000000, 20", "320, 240, 30, 4000000, 30", "256, 144, 15, 150000, 10",
        "1280, 720, 30, 4000000, 31", "1920, 1080, 30, 8000000, 40", "1920, 1080, 60, 8000000, 41",
        "3840, 2160, 30, 20000000, 50", "3840, 2160, 60, 20000000, 51", "4500, 100, 30, 1000000, 50",
        "16384, 16384, 240, 200000000, 62"})
    void vp9LevelIsTheLeastWhoseLimitsHold(int width, int height, int fps, long bitrate, int level) {
        assertThat(Vp9Config.level(width, height, fps, bitrate)).isEqualTo(level);
    }

    @Test
    void vp9KeyframeHeaderGivesProfileAndBitDepth() {
        // frame_marker 2, profile 0 (low 0, high 0), show_existing 0, key frame (0), show 1, error_res 0, sync code.
        byte[] profile0 = bytes(0b1000_0010, 0x49, 0x83, 0x42, 0, 0, 0, 0, 0, 0);
        // profile 2 (low 0, high 1): then ten_or_twelve_bit 1 → 12 bits.
        byte[] profile2 = bytes(0b1001_0010, 0x49, 0x83, 0x42, 0b1000_0000, 0, 0, 0, 0, 0);
        // An inter frame (frame_type 1) carries no colour config.
        byte[] inter = bytes(0b1000_0110, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        assertThat(Vp9Config.fromKeyframe(profile0)).contains(new Vp9Config(0, 8));
        assertThat(Vp9Config.fromKeyframe(profile0).orElseThrow().codecString(31)).isEqualTo("vp09.00.31.08");
        assertThat(Vp9Config.fromKeyframe(profile2)).contains(new Vp9Config(2, 12));
        assertThat(Vp9Config.fromKeyframe(inter)).isEmpty();
        assertThat(Vp9Config.fromKeyframe(bytes(0, 1, 2))).isEmpty();
    }

    @Test
    void av1ReducedStillPictureSequenceHeaderGivesProfileLevelTierAndDepth() {
        // OBU_SEQUENCE_HEADER with a size field, 5 bytes: profile 0, still, reduced header, level 4 (3.0),
        // 1-bit sizes, no tools, high_bitdepth 1 (10 bits), not mono, no colour description.
        byte[] obu = bytes(0x0A, 0x05, 0x19, 0x00, 0x00, 0x20, 0x00);
        byte[] packet = new byte[obu.length + 4];
        // A temporal delimiter OBU first, as a keyframe packet starts.
        packet[0] = 0x12;
        packet[1] = 0x00;
        System.arraycopy(obu, 0, packet, 2, obu.length);
        packet[obu.length + 2] = 0x32; // OBU_FRAME, size 0 (truncated: only its header is read)
        packet[obu.length + 3] = 0x00;

        Av1SequenceHeader header = Av1SequenceHeader.find(packet).orElseThrow();

        assertThat(Av1SequenceHeader.obus(packet)).extracting(Av1SequenceHeader.Obu::type)
                .containsExactly(Av1SequenceHeader.OBU_TEMPORAL_DELIMITER, Av1SequenceHeader.OBU_SEQUENCE_HEADER,
                        Av1SequenceHeader.OBU_FRAME);
        assertThat(header.obu()).isEqualTo(obu);
        assertThat(List.of(header.profile(), header.level(), header.bitDepth())).containsExactly(0, 4, 10);
        assertThat(header.highTier()).isFalse();
        assertThat(header.subsamplingX() && header.subsamplingY()).isTrue();
        assertThat(header.codecString()).isEqualTo("av01.0.04M.10");
    }

    @Test
    void av1ObusRunningPastThePacketAreRefused() {
        assertThatThrownBy(() -> Av1SequenceHeader.obus(bytes(0x0A, 0x09, 0x00)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("claims 9 B, past the packet's 3");
        assertThat(Av1SequenceHeader.find(bytes(0x12, 0x00))).isEmpty();
    }

    @Test
    void exponentialGolombAndEmulationPrevention() {
        // 1 → 0, 010 → 1, 011 → 2, 00100 → 3
        BitReader r = new BitReader(bytes(0b1010_0110, 0b0100_0000));
        assertThat(List.of(r.unsignedExpGolomb(), r.unsignedExpGolomb(), r.unsignedExpGolomb(), r.unsignedExpGolomb()))
                .containsExactly(0L, 1L, 2L, 3L);
        assertThat(BitReader.unescape(bytes(0x65, 0, 0, 3, 1, 0, 0, 3, 0), 0, 9)).containsExactly(0x65, 0, 0, 1, 0, 0, 0);
        assertThatThrownBy(() -> new BitReader(bytes(1)).bits(9)).hasMessageContaining("header ends early");
    }
}
