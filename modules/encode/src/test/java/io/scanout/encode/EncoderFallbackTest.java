package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.Codec;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.internal.EncoderCandidate;
import io.scanout.encode.internal.RenderNodes;
import io.scanout.encode.testing.FrameLeaks;
import io.scanout.encode.testing.H264Decoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Ranking, fallback from encoders that cannot serve, and how that shows in logs, data and metrics. */
class EncoderFallbackTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A node that exists but is no GPU: FFmpeg really tries it, and libva fails. */
    private static final String NOT_A_GPU = "/dev/null";

    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");

    @AfterEach
    void nothingLeaks() throws InterruptedException {
        FrameLeaks.assertNoneHeldThenClose(pool);
    }

    private double fallbacks(String encoder, String reason) {
        var counter = registry.find("scanout.encoder.fallbacks").tag("stream", "test").tag("encoder", encoder)
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<EncodedPacket> encode(EncodeVideo encode, int width, int height, int count) {
        List<EncodedPacket> packets = new ArrayList<>();
        StepVerifier.create(TestStreams.frames(pool, encode.inputFormat(), width, height, count).transform(encode))
                .thenConsumeWhile(packets::add).expectComplete().verify(TIMEOUT);
        return packets;
    }

    @Test
    void autoOnAHostWithoutAGpuPlansSoftwareAndSaysWhyOfEachHardwareEncoder() {
        Assumptions.assumeTrue(RenderNodes.list().isEmpty() && !Files.exists(Path.of("/dev/nvidiactl")),
                "this host has a GPU (" + RenderNodes.list() + "); HardwareEncodeTest covers it");

        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);

        assertThat(encode.encoderName()).isEqualTo("libx264");
        assertThat(encode.inputFormat()).isEqualTo(DrmFormat.NV12);
        assertThat(encode.dmaBufFormats()).isEmpty();
        assertThat(encode.candidates()).containsExactly(
                new ProbeResult("h264_vaapi", EncoderKind.HARDWARE, Codec.H264, true, false, "no /dev/dri/renderD128"),
                new ProbeResult("h264_nvenc", EncoderKind.HARDWARE, Codec.H264, true, false,
                        "no /dev/nvidiactl (no NVIDIA driver)"),
                new ProbeResult("h264_qsv", EncoderKind.HARDWARE, Codec.H264, true, false, "no /dev/dri/renderD128"),
                new ProbeResult("h264_vulkan", EncoderKind.HARDWARE, Codec.H264, true, false,
                        "no GPU for Vulkan video (no /dev/dri render node, no /dev/nvidiactl)"),
                new ProbeResult("libx264", EncoderKind.SOFTWARE, Codec.H264, true, true, ""),
                new ProbeResult("libopenh264", EncoderKind.SOFTWARE, Codec.H264, true, false,
                        "not tried: libx264 ranks higher"));
        assertThat(fallbacks("h264_vaapi", "no-device")).isEqualTo(1);
        assertThat(fallbacks("h264_nvenc", "no-device")).isEqualTo(1);
        assertThat(fallbacks("h264_qsv", "no-device")).isEqualTo(1);
        assertThat(fallbacks("h264_vulkan", "no-device")).isEqualTo(1);
        assertThat(fallbacks("libx264", "no-device")).isZero();
    }

    @Test
    void aDeviceFfmpegCannotOpenFallsBackToSoftwareWithFfmpegsReason() {
        EncoderSettings settings = EncoderSettings.builder().encoder(EncoderChoice.VAAPI).devicePath(NOT_A_GPU).build();

        EncodeVideo encode = EncodeVideo.create(settings, meters);

        assertThat(encode.encoderName()).isEqualTo("libx264");
        ProbeResult vaapi = encode.candidates().get(0);
        assertThat(vaapi.name()).isEqualTo("h264_vaapi");
        assertThat(vaapi.opens()).isFalse();
        assertThat(vaapi.reason()).matches("cannot open vaapi device /dev/null \\(av_hwdevice_ctx_create returned -\\d+: .+\\)");
        assertThat(fallbacks("h264_vaapi", "device-failed")).isEqualTo(1);
        // The stream runs on the fallback.
        List<EncodedPacket> packets = encode(encode, 160, 120, 5);
        assertThat(packets).hasSize(5).allSatisfy(p -> assertThat(p.config().encoder()).isEqualTo("libx264"));
        try (H264Decoder decoder = new H264Decoder()) {
            packets.forEach(p -> decoder.decode(p.bytes()));
            decoder.flush();
            assertThat(decoder.errors()).isZero();
        }
    }

    @Test
    void vulkanOnADeviceFfmpegCannotOpenFallsBackToSoftwareWithFfmpegsReason() {
        EncoderSettings settings = EncoderSettings.builder().encoder(EncoderChoice.VULKAN).codec(Codec.HEVC)
                .devicePath(NOT_A_GPU).build();

        EncodeVideo encode = EncodeVideo.create(settings, meters);

        assertThat(encode.encoderName()).isEqualTo("libx265");
        assertThat(encode.candidates()).hasSize(2).first().satisfies(vulkan -> {
            assertThat(vulkan.name()).isEqualTo("hevc_vulkan");
            assertThat(vulkan.opens()).isFalse();
            assertThat(vulkan.reason())
                    .matches("cannot open drm device /dev/null \\(av_hwdevice_ctx_create returned -\\d+: .+\\)");
        });
        assertThat(fallbacks("hevc_vulkan", "device-failed")).isEqualTo(1);
    }

    @Test
    void anEncoderThatDoesNotOpenAtTheStreamsSizeGivesWayToTheNextOnceAndIsNotRetriedForThatSize() {
        // A build ranking OpenH264 above x264; OpenH264 refuses pictures under 16x16.
        EncoderSettings settings = EncoderSettings.defaults();
        EncoderLineup lineup = EncoderLineup.resolve(settings, new EncoderMeters(meters),
                List.of(EncoderCandidate.OPENH264, EncoderCandidate.X264));
        EncodeVideo encode = EncodeVideo.create(settings, meters, lineup);
        assertThat(encode.inputFormat()).isEqualTo(DrmFormat.YU12);
        assertThat(encode.encoderName()).isEqualTo("libopenh264");

        List<EncodedPacket> tiny = encode(encode, 8, 8, 4);
        List<EncodedPacket> again = encode(encode, 8, 8, 4);
        List<EncodedPacket> normal = encode(encode, 64, 64, 4);

        // x264 takes the YU12 frames, repacked to NV12 on the way.
        assertThat(tiny).hasSize(4).allSatisfy(p -> assertThat(p.config().encoder()).isEqualTo("libx264"));
        assertThat(again).hasSize(4).allSatisfy(p -> assertThat(p.config().encoder()).isEqualTo("libx264"));
        assertThat(normal).hasSize(4).allSatisfy(p -> assertThat(p.config().encoder()).isEqualTo("libopenh264"));
        assertThat(fallbacks("libopenh264", "open-failed")).as("counted once: not retried at 8x8").isEqualTo(1);
        assertThat(encode.candidates().get(0)).isEqualTo(new ProbeResult("libopenh264", EncoderKind.SOFTWARE,
                Codec.H264, true, false, "libopenh264 encodes pictures of at least 16x16, not 8x8"));
        assertThat(encode.encoderName()).isEqualTo("libopenh264");
        try (H264Decoder decoder = new H264Decoder()) {
            tiny.forEach(p -> decoder.decode(p.bytes()));
            decoder.flush();
            assertThat(decoder.errors()).isZero();
        }
    }

    @Test
    void whenNothingCanServeTheErrorListsEveryEncoderAndWhy() {
        EncoderSettings settings = EncoderSettings.builder().encoder(EncoderChoice.AUTO).codec(Codec.HEVC)
                .devicePath(NOT_A_GPU).build();

        // A build with hevc_vaapi only, as a distribution's LGPL FFmpeg without libx265 has.
        assertThatThrownBy(() -> EncoderLineup.resolve(settings, new EncoderMeters(meters),
                List.of(EncoderCandidate.HEVC_VAAPI)))
                .isInstanceOf(EncodeException.class)
                .hasMessageMatching("no hevc encoder for --encoder=auto \\(hevc_vaapi: cannot open vaapi device /dev/null "
                        + "\\(av_hwdevice_ctx_create returned -\\d+: .+\\)\\); HEVC needs a GPU .*");
    }

    @Test
    void aSoftwareChoiceIsTakenOrRefusedButNeverSwapped() {
        EncodeVideo vp9 = EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.VP9).build(), meters);

        assertThat(vp9.candidates()).extracting(ProbeResult::name).containsExactly("libvpx-vp9");
        assertThat(vp9.inputFormat()).isEqualTo(DrmFormat.YU12);
        assertThat(registry.find("scanout.encoder.fallbacks").counters()).isEmpty();
    }
}
