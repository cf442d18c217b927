package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Codec;
import io.scanout.encode.internal.VaapiProfiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class EncoderProbeTest {
    @Test
    void listsEveryEncoderOfACodecInRankWithWhetherItOpensAndWhyNot() {
        List<ProbeResult> results = EncoderProbe.probe(Codec.H264, 320, 240);

        assertThat(results).extracting(ProbeResult::name)
                .containsExactly("h264_vaapi", "h264_nvenc", "h264_qsv", "h264_vulkan", "libx264", "libopenh264");
        assertThat(results).extracting(ProbeResult::kind).containsExactly(EncoderKind.HARDWARE, EncoderKind.HARDWARE,
                EncoderKind.HARDWARE, EncoderKind.HARDWARE, EncoderKind.SOFTWARE, EncoderKind.SOFTWARE);
        assertThat(results).allSatisfy(r -> assertThat(r.available()).isTrue());
        assertThat(results.subList(4, 6)).allSatisfy(r -> {
            assertThat(r.opens()).isTrue();
            assertThat(r.reason()).isEmpty();
        });
        // Each hardware encoder either opens or says why not.
        assertThat(results.subList(0, 4)).allSatisfy(r -> assertThat(r.opens() || !r.reason().isEmpty()).isTrue());
    }

    @Test
    void withoutAGpuTheReasonsNameTheMissingNodes() {
        Assumptions.assumeTrue(EncoderProbe.renderNodes().isEmpty() && !Files.exists(Path.of("/dev/nvidiactl")),
                "this host has a GPU; HardwareEncodeTest covers it");

        assertThat(EncoderProbe.probe(Codec.AV1, 640, 480)).containsExactly(
                new ProbeResult("av1_vaapi", EncoderKind.HARDWARE, Codec.AV1, true, false, "no /dev/dri/renderD128"),
                new ProbeResult("av1_nvenc", EncoderKind.HARDWARE, Codec.AV1, true, false,
                        "no /dev/nvidiactl (no NVIDIA driver)"),
                new ProbeResult("libsvtav1", EncoderKind.SOFTWARE, Codec.AV1, true, true, ""));
        assertThat(EncoderProbe.probe(Codec.HEVC, 640, 480)).filteredOn(r -> r.name().equals("hevc_vulkan"))
                .containsExactly(new ProbeResult("hevc_vulkan", EncoderKind.HARDWARE, Codec.HEVC, true, false,
                        "no GPU for Vulkan video (no /dev/dri render node, no /dev/nvidiactl)"));
    }

    @Test
    void vulkanOnANodeThatIsNoGpuSaysWhichCallFailed() {
        List<ProbeResult> vulkan = EncoderProbe.probe(EncoderSettings.builder().encoder(EncoderChoice.VULKAN)
                .devicePath("/dev/null").build(), 320, 240);

        assertThat(vulkan).extracting(ProbeResult::name).containsExactly("h264_vulkan", "libx264", "libopenh264");
        assertThat(vulkan.get(0).opens()).isFalse();
        assertThat(vulkan.get(0).reason())
                .matches("cannot open drm device /dev/null \\(av_hwdevice_ctx_create returned -\\d+: .+\\)");
    }

    @Test
    void aSizeAnEncoderRefusesIsItsReason() {
        List<ProbeResult> av1 = EncoderProbe.probe(EncoderSettings.builder().encoder(EncoderChoice.AV1).build(), 16, 16);
        List<ProbeResult> odd = EncoderProbe.probe(EncoderSettings.builder().encoder(EncoderChoice.X264).build(), 321, 240);

        assertThat(av1).singleElement().satisfies(r -> {
            assertThat(r.opens()).isFalse();
            assertThat(r.reason()).matches("cannot open libsvtav1 for YU12 16x16 at 4000000 bit/s "
                    + "\\(avcodec_open2 returned -\\d+: .+\\)");
        });
        assertThat(odd).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("libx264 needs an even width and height for 4:2:0, got NV12 321x240"));
    }

    @Test
    void renderNodesAreWhatDevDriHolds() {
        String[] names = new File("/dev/dri").list((dir, name) -> name.startsWith("renderD"));
        List<String> expected = names == null ? List.of()
                : Arrays.stream(names).sorted().map(n -> "/dev/dri/" + n).toList();

        assertThat(EncoderProbe.renderNodes()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void vaapiReportsWhyADeviceDoesNotOpen() {
        EncoderProbe.VaapiReport notAGpu = EncoderProbe.vaapi("/dev/null");

        assertThat(notAGpu.device()).isEqualTo("/dev/null");
        assertThat(notAGpu.opens()).isFalse();
        assertThat(notAGpu.reason()).matches("cannot open vaapi device /dev/null \\(av_hwdevice_ctx_create returned -\\d+: .+\\)");
        assertThat(notAGpu.profiles()).isEmpty();
        if (EncoderProbe.renderNodes().isEmpty()) {
            assertThat(EncoderProbe.vaapi(null)).isEqualTo(new EncoderProbe.VaapiReport("/dev/dri/renderD128", false,
                    "no /dev/dri/renderD128", "", List.of()));
        }
    }

    @Test
    void libvaFromTheFfmpegNativesIsReachable() {
        // The profile query binds libva.so.2 (shipped with the FFmpeg natives) through JNA; without a GPU
        // its error texts still show the binding works.
        assertThat(VaapiProfiles.errorText(0)).isEqualTo("success (no error)");
        assertThat(VaapiProfiles.errorText(1)).isEqualTo("operation failed");
    }
}
