package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EncoderSettingsTest {
    @Test
    void defaults() {
        EncoderSettings s = EncoderSettings.defaults();

        assertThat(s.encoder()).isEqualTo(EncoderChoice.AUTO);
        assertThat(s.codec()).isEqualTo(Codec.H264);
        assertThat(s.bitrate()).isEqualTo(4_000_000);
        assertThat(s.keyframeIntervalFrames()).isEqualTo(120);
        assertThat(s.frameRate()).isEqualTo(30);
        assertThat(s.devicePath()).isNull();
        assertThat(s.intraRefresh()).isFalse();
    }

    @Test
    void withersChangeOneField() {
        EncoderSettings s = EncoderSettings.defaults().withEncoder(EncoderChoice.OPENH264).withBitrate(2_500_000)
                .withKeyframeIntervalFrames(60).withFrameRate(60);

        assertThat(s).isEqualTo(new EncoderSettings(EncoderChoice.OPENH264, Codec.H264, 2_500_000, 60, 60));
    }

    /** Settings with no field at its default keep every field through toBuilder and through each wither. */
    @Test
    void toBuilderAndTheWithersKeepEveryOtherField() {
        EncoderSettings odd = EncoderSettings.builder().encoder(EncoderChoice.X265).codec(Codec.HEVC).bitrate(700_000)
                .keyframeIntervalFrames(33).frameRate(25).devicePath("/dev/dri/renderD129").intraRefresh(true)
                .colour(YuvColour.BT601_FULL).bitDepth(BitDepth.TEN).damageRoi(false).build();

        assertThat(odd.toBuilder().build()).isEqualTo(odd);
        assertThat(odd.withBitrate(700_000)).isEqualTo(odd);
        assertThat(odd.withDamageRoi(true)).isEqualTo(new EncoderSettings(EncoderChoice.X265, Codec.HEVC, 700_000, 33,
                25, "/dev/dri/renderD129", true, YuvColour.BT601_FULL, BitDepth.TEN, true));
        assertThat(odd.withFrameRate(50).frameRate()).isEqualTo(50);
        assertThat(odd.withFrameRate(50).withFrameRate(25)).isEqualTo(odd);
        assertThat(odd.withDevicePath(null).device()).isEmpty();
    }

    @Test
    void theBuilderStartsFromTheDefaultsAndValidatesOnBuild() {
        assertThat(EncoderSettings.builder().build()).isEqualTo(EncoderSettings.defaults());
        EncoderSettings.Builder builder = EncoderSettings.builder().codec(Codec.H264);
        builder.encoder(EncoderChoice.X264);
        builder.bitrate(8_000_000).keyframeIntervalFrames(240).frameRate(60);

        assertThat(builder.build()).isEqualTo(new EncoderSettings(EncoderChoice.X264, Codec.H264, 8_000_000, 240, 60));
        assertThatThrownBy(() -> EncoderSettings.builder().encoder(EncoderChoice.X264).codec(Codec.VP9).build())
                .hasMessageContaining("encoder x264 makes h264, not vp9");
        assertThatThrownBy(() -> EncoderSettings.builder().bitrate(300_000_000).build())
                .hasMessageContaining("outside");
    }

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "x264, X264", "OpenH264, OPENH264", "' x264 ', X264", "vaapi, VAAPI", "NVENC, NVENC",
        "qsv, QSV", "vp8, VP8", "vp9, VP9", "av1, AV1", "x265, X265"})
    void parsesEncoderChoices(String text, EncoderChoice expected) {
        assertThat(EncoderChoice.parse(text)).isEqualTo(expected);
    }

    @Test
    void refusesUnknownEncoders() {
        assertThatThrownBy(() -> EncoderChoice.parse("amf")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown encoder 'amf' (known: auto, x264, openh264, vaapi, nvenc, qsv, vulkan, vp8, vp9, av1, x265)");
        assertThatThrownBy(() -> EncoderChoice.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"auto, av1", "auto, hevc", "vaapi, vp8", "vaapi, av1", "nvenc, hevc", "qsv, vp9", "vp9, vp9",
        "av1, av1", "x265, hevc", "openh264, h264"})
    void takesEncodersWithTheCodecsTheyMake(String encoder, String codec) {
        EncoderSettings s = EncoderSettings.defaults().withEncoder(EncoderChoice.parse(encoder), Codec.parse(codec));

        assertThat(s.encoder()).isEqualTo(EncoderChoice.parse(encoder));
        assertThat(s.codec()).isEqualTo(Codec.parse(codec));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x264 | vp9 | encoder x264 makes h264, not vp9 (for vp9 use --encoder auto, vaapi, qsv, vp9)",
        "nvenc | vp8 | encoder nvenc makes av1, h264, hevc, not vp8 (for vp8 use --encoder auto, vaapi, vp8)",
        "av1 | h264 | encoder av1 makes av1, not h264 (for h264 use --encoder auto, x264, openh264, vaapi, nvenc, qsv, vulkan)",
        "qsv | av1 | encoder qsv makes h264, hevc, vp9, not av1 (for av1 use --encoder auto, vaapi, nvenc, av1)"})
    void refusesAnEncoderWithACodecItDoesNotMake(String encoder, String codec, String message) {
        assertThatThrownBy(() -> EncoderSettings.builder().encoder(EncoderChoice.parse(encoder))
                .codec(Codec.parse(codec)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> EncoderSettings.defaults().withEncoder(EncoderChoice.parse(encoder), Codec.parse(codec)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void aSingleCodecEncoderBringsItsCodecWhenNoneIsAsked() {
        assertThat(EncoderSettings.builder().encoder(EncoderChoice.VP9).build().codec()).isEqualTo(Codec.VP9);
        assertThat(EncoderSettings.builder().encoder(EncoderChoice.AV1).build().codec()).isEqualTo(Codec.AV1);
        assertThat(EncoderSettings.builder().encoder(EncoderChoice.VAAPI).build().codec()).isEqualTo(Codec.H264);
        assertThat(EncoderSettings.builder().build().codec()).isEqualTo(Codec.H264);
        // A wither changes one field and says so when the pair does not fit.
        assertThatThrownBy(() -> EncoderSettings.defaults().withEncoder(EncoderChoice.VP9))
                .hasMessageContaining("encoder vp9 makes vp9, not h264");
    }

    @Test
    void carriesTheDeviceAndIntraRefresh() {
        EncoderSettings s = EncoderSettings.builder().encoder(EncoderChoice.VAAPI).devicePath("/dev/dri/renderD129")
                .intraRefresh(true).build();

        assertThat(s.devicePath()).isEqualTo("/dev/dri/renderD129");
        assertThat(s.device()).contains("/dev/dri/renderD129");
        assertThat(s.intraRefresh()).isTrue();
        assertThat(s.toString()).contains("intra refresh every 120 frames").contains("device /dev/dri/renderD129");
        assertThat(EncoderSettings.defaults().device()).isEmpty();
        assertThat(EncoderSettings.defaults().intraRefresh()).isFalse();
        assertThat(s.withDevicePath(null).device()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "renderD128", "dev/dri/renderD128", "/dev/dri/\0renderD128"})
    void refusesDevicePathsThatAreNotAbsolutePaths(String path) {
        String devicePath = path.replace("\\0", "\0");
        assertThatThrownBy(() -> EncoderSettings.defaults().withDevicePath(devicePath))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a device is an absolute path of at most 255 characters");
        assertThatThrownBy(() -> EncoderSettings.defaults().withDevicePath("/" + "x".repeat(255)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"4M, 4000000", "4m, 4000000", "2500k, 2500000", "2500K, 2500000", "800000, 800000",
        "1.5M, 1500000", "50k, 50000", "200M, 200000000", "' 3M ', 3000000", "4.000M, 4000000"})
    void parsesBitrates(String text, long bits) {
        assertThat(EncoderSettings.parseBitrate(text)).isEqualTo(bits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "fast", "4G", "-4M", "4e6", "0x100000", "4 Mbit", "99999999999999999999"})
    void refusesWhatIsNotABitrate(String text) {
        assertThatThrownBy(() -> EncoderSettings.parseBitrate(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").satisfiesAnyOf(
                        e -> assertThat(e).hasMessageContaining("e.g. 4M, 2500k or 800000"),
                        e -> assertThat(e).hasMessageContaining("whole number"));
    }

    @Test
    void refusesBitratesOutOfBoundsNamingThem() {
        assertThatThrownBy(() -> EncoderSettings.parseBitrate("49999")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bitrate 49999 (49999 bit/s) is outside 50k..200M");
        assertThatThrownBy(() -> EncoderSettings.parseBitrate("201M")).hasMessageContaining("outside 50k..200M");
        assertThatThrownBy(() -> EncoderSettings.parseBitrate("50.0005k")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> EncoderSettings.defaults().withBitrate(10))
                .hasMessageContaining("bitrate 10 bit/s is outside");
        assertThatThrownBy(() -> EncoderSettings.parseBitrate(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesKeyframeIntervalsAndFrameRatesOutOfBounds() {
        assertThatThrownBy(() -> EncoderSettings.defaults().withKeyframeIntervalFrames(0))
                .hasMessage("keyframe interval 0 frames is outside 1..10000");
        assertThatThrownBy(() -> EncoderSettings.defaults().withFrameRate(241))
                .hasMessage("frame rate 241 fps is outside 1..240");
        assertThatThrownBy(() -> new EncoderSettings(null, Codec.H264, 4_000_000, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
