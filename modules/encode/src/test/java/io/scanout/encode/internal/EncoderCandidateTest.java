package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import io.scanout.core.Codec;
import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncodeException;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderKind;
import io.scanout.encode.EncoderSettings;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EncoderCandidateTest {
    private static List<String> names(List<EncoderCandidate> candidates) {
        return candidates.stream().map(EncoderCandidate::ffmpegName).toList();
    }

    @ParameterizedTest
    @EnumSource(EncoderCandidate.class)
    void theGplNativesHaveEveryCandidateBuiltIn(EncoderCandidate candidate) {
        // The linux-x86_64-gpl natives are configured with libx264, libx265, libopenh264, libvpx, libsvtav1,
        // VAAPI, NVENC, libmfx and Vulkan: a candidate missing here would be a typo in its FFmpeg name.
        assertThat(candidate.isAvailable()).as(candidate.ffmpegName()).isTrue();
    }

    @Test
    void theBundledFfmpegHasNoAv1VulkanOrAv1QsvEncoder() {
        // Why EncoderCandidate has neither: when an FFmpeg update brings them, this fails and they go in.
        assertThat(avcodec_find_encoder_by_name("av1_vulkan")).isNull();
        assertThat(avcodec_find_encoder_by_name("av1_qsv")).isNull();
    }

    @Test
    void softwareEncodersTakeTheirOwnFormatAndHardwareUploadsNv12() {
        assertThat(EncoderCandidate.X264.inputFormat()).isEqualTo(DrmFormat.NV12);
        assertThat(EncoderCandidate.OPENH264.inputFormat()).isEqualTo(DrmFormat.YU12);
        assertThat(EncoderCandidate.VPX_VP9.inputFormat()).isEqualTo(DrmFormat.YU12);
        assertThat(EncoderCandidate.SVT_AV1.inputFormat()).isEqualTo(DrmFormat.YU12);
        assertThat(EncoderCandidate.values()).filteredOn(c -> c.kind() == EncoderKind.HARDWARE)
                .allSatisfy(c -> assertThat(c.inputFormat()).isEqualTo(DrmFormat.NV12))
                .extracting(EncoderCandidate::ffmpegName)
                .contains("h264_vaapi", "h264_nvenc", "h264_qsv", "h264_vulkan", "hevc_vulkan");
    }

    @Test
    void autoRanksHardwareFirstThenSoftwareForTheCodec() {
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.AUTO, Codec.H264)))
                .containsExactly("h264_vaapi", "h264_nvenc", "h264_qsv", "h264_vulkan", "libx264", "libopenh264");
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.AUTO, Codec.VP9)))
                .containsExactly("vp9_vaapi", "vp9_qsv", "libvpx-vp9");
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.AUTO, Codec.AV1)))
                .containsExactly("av1_vaapi", "av1_nvenc", "libsvtav1");
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.AUTO, Codec.HEVC)))
                .containsExactly("hevc_vaapi", "hevc_nvenc", "hevc_qsv", "hevc_vulkan", "libx265");
    }

    @Test
    void aHardwareChoiceFallsBackToSoftwareAndASoftwareChoiceToNothing() {
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.VAAPI, Codec.H264)))
                .containsExactly("h264_vaapi", "libx264", "libopenh264");
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.NVENC, Codec.AV1)))
                .containsExactly("av1_nvenc", "libsvtav1");
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.VULKAN, Codec.HEVC)))
                .containsExactly("hevc_vulkan", "libx265");
        assertThat(EncoderChoice.parse("vulkan")).isEqualTo(EncoderChoice.VULKAN);
        assertThat(EncoderChoice.VULKAN.isHardware()).isTrue();
        assertThatThrownBy(() -> EncoderCandidate.ranked(EncoderChoice.VULKAN, Codec.AV1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoder vulkan makes h264, hevc, not av1 (for av1 use --encoder auto, vaapi, nvenc, av1)");
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.X264, Codec.H264))).containsExactly("libx264");
        assertThat(names(EncoderCandidate.ranked(EncoderChoice.VP8, Codec.VP8))).containsExactly("libvpx");
        assertThatThrownBy(() -> EncoderCandidate.ranked(EncoderChoice.X264, Codec.VP9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoder x264 makes h264, not vp9 (for vp9 use --encoder auto, vaapi, qsv, vp9)");
    }

    @Test
    void cpuFramesOfTheOther420LayoutAreTakenAndConverted() {
        assertThat(EncoderCandidate.X264.takes(DrmFormat.YU12)).isTrue();
        assertThat(EncoderCandidate.VPX_VP9.takes(DrmFormat.NV12)).isTrue();
        assertThat(EncoderCandidate.X264.takes(DrmFormat.XR24)).isFalse();
        assertThatThrownBy(() -> EncoderCandidate.X264.checkAccepts(new VideoFormat(DrmFormat.XR24, 64, 64), false))
                .isInstanceOf(EncodeException.class).hasMessageContaining("libx264 takes NV12 frames, got XR24 64x64");
    }

    @Test
    void onlyVaapiImportsDmaBufsAndOnlyNv12P010And32BitRgb() {
        VideoFormat nv12 = new VideoFormat(DrmFormat.NV12, 64, 64);
        EncoderCandidate.H264_VAAPI.checkAccepts(nv12, true);
        EncoderCandidate.HEVC_VAAPI.checkAccepts(new VideoFormat(DrmFormat.P010, 64, 64), true);
        for (DrmFormat rgb : List.of(DrmFormat.XR24, DrmFormat.AR24, DrmFormat.XB24, DrmFormat.AB24)) {
            EncoderCandidate.H264_VAAPI.checkAccepts(new VideoFormat(rgb, 64, 64), true);
        }
        assertThat(EncoderCandidate.H264_NVENC.dmaBufFormats()).isEmpty();
        assertThatThrownBy(() -> EncoderCandidate.X264.checkAccepts(nv12, true))
                .hasMessageContaining("libx264 takes frames in CPU memory, got a dma-buf NV12 64x64");
        assertThatThrownBy(() -> EncoderCandidate.H264_VAAPI.checkAccepts(new VideoFormat(DrmFormat.RG16, 64, 64), true))
                .hasMessageContaining("h264_vaapi imports [XR24, AR24, XB24, AB24, NV12, P010] dma-bufs, got RG16 64x64");
    }

    @Test
    void oddSizesAreRefusedBeforeFfmpegSeesThem() {
        assertThatThrownBy(() -> EncoderCandidate.SVT_AV1.checkAccepts(new VideoFormat(DrmFormat.YU12, 4097, 3), false))
                .isInstanceOf(EncodeException.class)
                .hasMessageContaining("libsvtav1 needs an even width and height for 4:2:0, got YU12 4097x3");
    }

    @ParameterizedTest
    @EnumSource(EncoderCandidate.class)
    void everyPrivateOptionExistsAndTakesItsValueEvenWithoutTheHardware(EncoderCandidate candidate) {
        // avcodec_alloc_context3 gives the encoder's private context its defaults without opening it,
        // so the option names and values of hardware encoders are checked on a host without the hardware.
        EncoderSettings settings = EncoderSettings.defaults().withIntraRefresh(true);
        AVCodecContext context = avcodec_alloc_context3(avcodec_find_encoder_by_name(candidate.ffmpegName()));
        try {
            List<String[]> options = EncoderOptions.privateOptions(candidate, settings);
            assertThat(options).isNotEmpty();
            for (String[] option : options) {
                int set = av_opt_set(context.priv_data(), option[0], option[1], 0);
                assertThat(set).as("%s %s=%s: %s", candidate.ffmpegName(), option[0], option[1],
                        FfmpegErrors.describe("av_opt_set", set)).isZero();
            }
        } finally {
            avcodec_free_context(context);
        }
    }

    @Test
    void libvpxThreadsOnlyWhereTheFrameIsBigAndCoresAreToSpare() {
        // Two cores: one thread whatever the size, so row threads never spin against each other.
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP8, 3840, 2160, 2)).isEqualTo(1);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP9, 3840, 2160, 2)).isEqualTo(1);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP8, 320, 240, 64)).isEqualTo(1);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP8, 640, 480, 4)).isEqualTo(2);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP8, 1280, 960, 8)).isEqualTo(3);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP8, 1920, 1080, 16)).isEqualTo(8);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP9, 640, 360, 3)).isEqualTo(2);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP9, 1280, 720, 6)).isEqualTo(4);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.VPX_VP9, 1920, 1080, 16)).isEqualTo(8);
        // x264: one slice per frame (what noVNC can show) as long as one thread keeps up.
        assertThat(EncoderOptions.threadCount(EncoderCandidate.X264, 1920, 1080, 16)).isEqualTo(1);
        assertThat(EncoderOptions.threadCount(EncoderCandidate.X264, 3840, 2160, 16)).isZero();
        // The others choose for themselves.
        assertThat(EncoderOptions.threadCount(EncoderCandidate.SVT_AV1, 1920, 1080, 2)).isZero();
    }

    @Test
    void candidatesAreFoundByTheirFfmpegName() {
        assertThat(EncoderCandidate.byName("libvpx-vp9")).isEqualTo(EncoderCandidate.VPX_VP9);
        assertThatThrownBy(() -> EncoderCandidate.byName("libfoo")).hasMessageContaining("'libfoo'");
    }
}
