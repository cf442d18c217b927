package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Codec;
import io.scanout.core.DrmFormat;
import io.scanout.encode.internal.EncoderCandidate;
import io.scanout.core.metrics.StreamMeters;
import org.junit.jupiter.api.Test;

/** {@code --bit-depth}: parsing, the auto policy, and what the stage asks the convert stage for. */
class BitDepthTest {
    @Test
    void parsesItsThreeValues() {
        assertThat(BitDepth.parse("auto")).isEqualTo(BitDepth.AUTO);
        assertThat(BitDepth.parse(" 8 ")).isEqualTo(BitDepth.EIGHT);
        assertThat(BitDepth.parse("10")).isEqualTo(BitDepth.TEN);
        assertThat(BitDepth.parse("AUTO")).isEqualTo(BitDepth.AUTO);
        for (String bad : new String[] {"12", "", "ten", "10bit"}) {
            assertThatThrownBy(() -> BitDepth.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a bit depth is auto, 8 or 10, not '" + bad + "'");
        }
        assertThatThrownBy(() -> BitDepth.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoGoesTenBitsForTenBitSourcesExceptOnH264AndVp8() {
        for (Codec codec : new Codec[] {Codec.HEVC, Codec.VP9, Codec.AV1}) {
            assertThat(BitDepth.AUTO.tenBits(10, codec, true)).as("%s", codec).isTrue();
            assertThat(BitDepth.AUTO.tenBits(8, codec, true)).as("8-bit source, %s", codec).isFalse();
            assertThat(BitDepth.AUTO.tenBits(10, codec, false)).as("8-bit-only encoder, %s", codec).isFalse();
        }
        assertThat(BitDepth.AUTO.tenBits(10, Codec.H264, true)).as("browsers do not decode High 10").isFalse();
        assertThat(BitDepth.AUTO.tenBits(10, Codec.VP8, true)).isFalse();
        assertThat(BitDepth.EIGHT.tenBits(10, Codec.HEVC, true)).isFalse();
        assertThat(BitDepth.TEN.tenBits(8, Codec.H264, true)).isTrue();
    }

    @Test
    void theBundledBuildsTenBitEncodersAreFoundByAskingFfmpeg() {
        // As avcodec_get_supported_config lists them in FFmpeg 8.1's GPL build for linux-x86_64.
        assertThat(EncoderCandidate.X265.encodesTenBits()).isTrue();
        assertThat(EncoderCandidate.SVT_AV1.encodesTenBits()).isTrue();
        assertThat(EncoderCandidate.VPX_VP9.encodesTenBits()).as("libvpx without high bit depth").isFalse();
        assertThat(EncoderCandidate.OPENH264.encodesTenBits()).isFalse();
        assertThat(EncoderCandidate.VPX_VP8.encodesTenBits()).isFalse();
    }

    @Test
    void theStageAsksForP010FromTenBitSourcesOnlyWhereItEncodesThemAtTenBits() {
        EncoderSettings x265 = EncoderSettings.builder().encoder(EncoderChoice.X265).codec(Codec.HEVC).build();
        EncodeVideo auto = EncodeVideo.create(x265, StreamMeters.noop());
        assertThat(auto.inputFormat()).isEqualTo(DrmFormat.YU12);
        assertThat(auto.highDepthFormat()).contains(DrmFormat.P010);

        EncodeVideo ten = EncodeVideo.create(x265.withBitDepth(BitDepth.TEN), StreamMeters.noop());
        assertThat(ten.inputFormat()).isEqualTo(DrmFormat.P010);
        assertThat(ten.highDepthFormat()).contains(DrmFormat.P010);

        EncodeVideo eight = EncodeVideo.create(x265.withBitDepth(BitDepth.EIGHT), StreamMeters.noop());
        assertThat(eight.highDepthFormat()).isEmpty();

        EncodeVideo vp9 = EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.VP9).codec(Codec.VP9)
                .build(), StreamMeters.noop());
        assertThat(vp9.highDepthFormat()).as("libvpx here encodes 8 bits only").isEmpty();
    }

    @Test
    void settingsCarryTheDepthThroughEveryChange() {
        EncoderSettings ten = EncoderSettings.defaults().withBitDepth(BitDepth.TEN);
        assertThat(ten.withBitrate(1_000_000).withFrameRate(60).withColour(YuvColour.BT601_FULL).bitDepth())
                .isEqualTo(BitDepth.TEN);
        assertThat(EncoderSettings.defaults().bitDepth()).isEqualTo(BitDepth.AUTO);
        assertThat(ten.toString()).contains("10-bit");
    }
}
