package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncodeException;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.ColourBlocks;
import io.scanout.encode.testing.FrameLeaks;
import io.scanout.encode.testing.YuvFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.H264Decoder;
import io.scanout.encode.testing.Psnr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FfmpegEncoderTest {
    private final FramePool pool = new FramePool();

    @AfterEach
    void everyFrameIsBack() throws InterruptedException {
        FrameLeaks.assertNoneHeldThenClose(pool);
    }

    @ParameterizedTest
    @EnumSource(names = {"X264", "OPENH264", "X265", "VPX_VP8", "VPX_VP9", "SVT_AV1"})
    void onePacketPerFrameInPtsOrderStartingWithAKeyframe(EncoderCandidate encoder) {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(encoder, pool, 320, 240, 10);

        assertThat(packets).hasSize(10);
        assertThat(packets).extracting(EncodedFrames.Packet::pts)
                .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> i * 33_333L).toList());
        assertThat(packets.get(0).keyframe()).isTrue();
        assertThat(packets.subList(1, 10)).noneMatch(EncodedFrames.Packet::keyframe);
    }

    /**
     * Zero delay: each frame's packet is out by the time {@code receive} after its {@code send} returns,
     * none held back for a later frame. Every software encoder holds this with Scanout's options.
     */
    @ParameterizedTest
    @EnumSource(names = {"X264", "OPENH264", "X265", "VPX_VP8", "VPX_VP9", "SVT_AV1"})
    void eachFramesPacketComesOutBeforeTheNextFrameGoesIn(EncoderCandidate encoder) {
        VideoFormat format = new VideoFormat(encoder.inputFormat(), 320, 240);
        List<List<Long>> ptsOutPerFrame = new ArrayList<>();
        try (FfmpegEncoder ffmpeg = new FfmpegEncoder(encoder, format, EncoderSettings.defaults())) {
            for (int i = 0; i < 6; i++) {
                Frame frame = YuvFrames.draw(pool, format.format(), new ColourBlocks(320, 240, i));
                try {
                    ffmpeg.send(frame, i * 33_333L, false);
                } finally {
                    frame.release();
                }
                List<Long> out = new ArrayList<>();
                ffmpeg.receive((data, pts, keyframe) -> out.add(pts));
                ptsOutPerFrame.add(out);
            }
            List<Long> flushed = new ArrayList<>();
            ffmpeg.flush((data, pts, keyframe) -> flushed.add(pts));
            assertThat(flushed).as("packets left for the flush").isEmpty();
        }

        assertThat(ptsOutPerFrame).containsExactlyElementsOf(
                IntStream.range(0, 6).mapToObj(i -> List.of(i * 33_333L)).toList());
    }

    @Test
    void x264MakesOneSlicePerFrameSoNoVncCanShowIt() {
        // 1280x720 on any host: x264 runs one thread there, and so cuts no frame into several slices.
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(EncoderCandidate.X264, pool, 1280, 720, 5);

        assertThat(packets).allSatisfy(p -> assertThat(AnnexB.types(p.data()).stream()
                .filter(type -> type == AnnexB.IDR || type == AnnexB.SLICE)).as("slices").hasSize(1));
    }

    @ParameterizedTest
    @EnumSource(names = {"X264", "OPENH264"})
    void aForcedKeyframeIsAnIdrWithParameterSets(EncoderCandidate encoder) {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(encoder, pool, 320, 240, 10, 6);

        assertThat(packets).extracting(EncodedFrames.Packet::keyframe)
                .containsExactly(true, false, false, false, false, false, true, false, false, false);
        assertThat(AnnexB.types(packets.get(6).data())).contains(AnnexB.SPS, AnnexB.PPS, AnnexB.IDR);
        assertThat(AnnexB.types(packets.get(5).data())).doesNotContain(AnnexB.IDR);
    }

    @Test
    void ffmpegLetsGoOfTheFrameByTheTimeSendReturnsAndTheCallerReleasesItsOwn() {
        try (FfmpegEncoder ffmpeg = new FfmpegEncoder(EncoderCandidate.X264,
                new VideoFormat(DrmFormat.NV12, 320, 240), EncoderSettings.defaults())) {
            Frame frame = YuvFrames.draw(pool, DrmFormat.NV12, new ColourBlocks(320, 240, 0));
            ffmpeg.send(frame, 0, false);
            // x264 copies the picture while encoding it, within avcodec_send_frame: FFmpeg's reference is gone.
            assertThat(FfmpegEncoder.framesHeldByFfmpeg()).isZero();
            assertThat(frame.release()).isTrue();
            assertThat(pool.stats().outstanding()).isZero();
            List<byte[]> packets = new ArrayList<>();
            ffmpeg.receive((data, pts, keyframe) -> packets.add(data));
            assertThat(packets).hasSize(1);
        }
    }

    @Test
    void refusesFramesOfAnotherFormatOrSizeNamingBoth() {
        assertThatThrownBy(() -> new FfmpegEncoder(EncoderCandidate.X264, new VideoFormat(DrmFormat.XR24, 64, 64),
                EncoderSettings.defaults()))
                .isInstanceOf(EncodeException.class).hasMessageContaining("libx264 takes NV12 frames, got XR24 64x64");
        assertThatThrownBy(() -> new FfmpegEncoder(EncoderCandidate.OPENH264,
                new VideoFormat(DrmFormat.AR24, 64, 64), EncoderSettings.defaults()))
                .isInstanceOf(EncodeException.class)
                .hasMessageContaining("libopenh264 takes YU12 frames, got AR24 64x64");
        assertThatThrownBy(() -> new FfmpegEncoder(EncoderCandidate.X264, new VideoFormat(DrmFormat.NV12, 65, 64),
                EncoderSettings.defaults()))
                .isInstanceOf(EncodeException.class).hasMessageContaining("even width and height")
                .hasMessageContaining("65x64");

        try (FfmpegEncoder ffmpeg = new FfmpegEncoder(EncoderCandidate.X264,
                new VideoFormat(DrmFormat.NV12, 320, 240), EncoderSettings.defaults())) {
            Frame other = YuvFrames.draw(pool, DrmFormat.NV12, new ColourBlocks(160, 120, 0));
            try {
                assertThatThrownBy(() -> ffmpeg.send(other, 0, false))
                        .isInstanceOf(EncodeException.class)
                        .hasMessageContaining("opened for NV12 320x240, got a NV12 160x120 frame");
            } finally {
                other.release();
            }
        }
    }

    @Test
    void aFailedOpenSaysWhatAndWhyAndLeavesNothingOpen() {
        // OpenH264 refuses pictures past its largest level; x264 opens this size.
        assertThatThrownBy(() -> new FfmpegEncoder(EncoderCandidate.OPENH264,
                new VideoFormat(DrmFormat.YU12, 16384, 4096), EncoderSettings.defaults()))
                .isInstanceOf(EncodeException.class)
                .hasMessageStartingWith("cannot open libopenh264 for YU12 16384x4096 at 4000000 bit/s")
                .hasMessageMatching(".*\\(avcodec_open2 returned -\\d+: .+\\)");
    }

    @Test
    void closeIsIdempotentAndAClosedEncoderRefusesWork() {
        FfmpegEncoder ffmpeg = new FfmpegEncoder(EncoderCandidate.X264, new VideoFormat(DrmFormat.NV12, 64, 64),
                EncoderSettings.defaults());
        ffmpeg.close();
        ffmpeg.close();

        assertThat(ffmpeg.isClosed()).isTrue();
        Frame frame = YuvFrames.draw(pool, DrmFormat.NV12, new ColourBlocks(64, 64, 0));
        try {
            assertThatThrownBy(() -> ffmpeg.send(frame, 0, false)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        } finally {
            frame.release();
        }
        assertThatThrownBy(() -> ffmpeg.flush((d, p, k) -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void errorCodesReadAsFfmpegsText() {
        assertThat(FfmpegErrors.describe("avcodec_open2", -22)).isEqualTo("avcodec_open2 returned -22: Invalid argument");
        assertThat(FfmpegErrors.describe("avcodec_receive_packet", FfmpegErrors.AVERROR_EAGAIN))
                .isEqualTo("avcodec_receive_packet returned -11: Resource temporarily unavailable");
        assertThatThrownBy(() -> FfmpegErrors.check(-12, "av_frame_alloc", "cannot allocate"))
                .isInstanceOf(EncodeException.class)
                .hasMessage("cannot allocate (av_frame_alloc returned -12: Cannot allocate memory)");
        assertThat(FfmpegErrors.check(3, "x", "y")).isEqualTo(3);
    }

    @Test
    void framesOfTheOther420LayoutAreRepackedOnTheWay() {
        // OpenH264 takes I420; a stage planned on an NV12 encoder that fell back to it sends NV12.
        List<byte[]> packets = new ArrayList<>();
        try (FfmpegEncoder ffmpeg = new FfmpegEncoder(EncoderCandidate.OPENH264,
                new VideoFormat(DrmFormat.NV12, 320, 240), EncoderSettings.defaults())) {
            for (int i = 0; i < 3; i++) {
                Frame frame = YuvFrames.draw(pool, DrmFormat.NV12, new ColourBlocks(320, 240, i));
                try {
                    ffmpeg.send(frame, i * 33_333L, false);
                } finally {
                    frame.release();
                }
                ffmpeg.receive((data, pts, keyframe) -> packets.add(data));
            }
            ffmpeg.flush((data, pts, keyframe) -> packets.add(data));
        }
        try (H264Decoder decoder = new H264Decoder()) {
            List<DecodedPicture> pictures = new ArrayList<>();
            for (int i = 0; i < packets.size(); i++) {
                pictures.addAll(decoder.decode(packets.get(i), i));
            }
            pictures.addAll(decoder.flush());
            assertThat(pictures).hasSize(3);
            for (DecodedPicture picture : pictures) {
                assertThat(Psnr.of(new ColourBlocks(320, 240, (int) picture.pts()), picture)).isGreaterThan(35);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"H264_VAAPI", "HEVC_VAAPI", "AV1_VAAPI", "VP9_VAAPI", "H264_QSV"})
    void aMissingRenderNodeIsAReasonNotACrash(EncoderCandidate encoder) {
        Assumptions.assumeTrue(RenderNodes.list().isEmpty(),
                "this host has render nodes " + RenderNodes.list() + "; HardwareEncodeTest covers it");

        assertThatThrownBy(() -> new FfmpegEncoder(encoder, new VideoFormat(DrmFormat.NV12, 320, 240),
                EncoderSettings.defaults()))
                .isInstanceOfSatisfying(EncoderUnavailableException.class, e ->
                        assertThat(e.reason()).isEqualTo(EncoderUnavailableException.Reason.NO_DEVICE))
                .hasMessage("no /dev/dri/renderD128");
    }

    @ParameterizedTest
    @EnumSource(names = {"H264_VAAPI", "HEVC_VAAPI", "AV1_VAAPI"})
    void aNodeThatIsNoGpuFailsInFfmpegWithTheCallAndItsError(EncoderCandidate encoder) {
        // /dev/null exists, so FFmpeg really tries: libva finds no driver for it and FFmpeg says so.
        EncoderSettings settings = EncoderSettings.defaults().withDevicePath("/dev/null");

        assertThatThrownBy(() -> new FfmpegEncoder(encoder, new VideoFormat(DrmFormat.NV12, 320, 240), settings))
                .isInstanceOfSatisfying(EncoderUnavailableException.class, e ->
                        assertThat(e.reason()).isEqualTo(EncoderUnavailableException.Reason.DEVICE_FAILED))
                .hasMessageMatching("cannot open vaapi device /dev/null \\(av_hwdevice_ctx_create returned -\\d+: .+\\)");
        assertThatThrownBy(() -> new FfmpegEncoder(encoder, new VideoFormat(DrmFormat.NV12, 320, 240), true, settings))
                .isInstanceOf(EncoderUnavailableException.class)
                .hasMessageMatching("cannot open drm device /dev/null \\(av_hwdevice_ctx_create returned -\\d+: .+\\)");
    }

    @Test
    void qsvOpensItsRenderNodeThroughVaapiUnderneath() {
        // The node goes to QSV's child VAAPI device: a node that is no GPU fails there, named.
        EncoderSettings settings = EncoderSettings.defaults().withDevicePath("/dev/null");

        assertThatThrownBy(() -> new FfmpegEncoder(EncoderCandidate.H264_QSV, new VideoFormat(DrmFormat.NV12, 320, 240),
                settings))
                .isInstanceOfSatisfying(EncoderUnavailableException.class, e ->
                        assertThat(e.reason()).isEqualTo(EncoderUnavailableException.Reason.DEVICE_FAILED))
                .hasMessageMatching("cannot open qsv device /dev/null \\(av_hwdevice_ctx_create returned -?\\d+: .+\\)");
    }

    @ParameterizedTest
    @EnumSource(names = {"H264_VULKAN", "HEVC_VULKAN"})
    void vulkanWithoutAGpuIsAReasonNotACrash(EncoderCandidate encoder) {
        Assumptions.assumeTrue(RenderNodes.list().isEmpty() && !java.nio.file.Files.exists(
                java.nio.file.Path.of("/dev/nvidiactl")), "this host has a GPU; HardwareEncodeTest covers it");

        assertThatThrownBy(() -> new FfmpegEncoder(encoder, new VideoFormat(DrmFormat.NV12, 320, 240),
                EncoderSettings.defaults()))
                .isInstanceOfSatisfying(EncoderUnavailableException.class, e ->
                        assertThat(e.reason()).isEqualTo(EncoderUnavailableException.Reason.NO_DEVICE))
                .hasMessage("no GPU for Vulkan video (no /dev/dri render node, no /dev/nvidiactl)");
    }

    @ParameterizedTest
    @EnumSource(names = {"H264_VULKAN", "HEVC_VULKAN"})
    void vulkanOnANodeThatIsNoGpuFailsInTheDrmDeviceItDerivesFrom(EncoderCandidate encoder) {
        EncoderSettings settings = EncoderSettings.defaults().withDevicePath("/dev/null");

        assertThatThrownBy(() -> new FfmpegEncoder(encoder, new VideoFormat(DrmFormat.NV12, 320, 240), settings))
                .isInstanceOfSatisfying(EncoderUnavailableException.class, e ->
                        assertThat(e.reason()).isEqualTo(EncoderUnavailableException.Reason.DEVICE_FAILED))
                .hasMessageMatching("cannot open drm device /dev/null \\(av_hwdevice_ctx_create returned -\\d+: .+\\)");
    }

    @Test
    void nvencWithoutTheNvidiaDriverIsAReason() {
        Assumptions.assumeFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidiactl")),
                "this host has an NVIDIA driver; HardwareEncodeTest covers it");

        assertThatThrownBy(() -> new FfmpegEncoder(EncoderCandidate.H264_NVENC,
                new VideoFormat(DrmFormat.NV12, 320, 240), EncoderSettings.defaults()))
                .isInstanceOf(EncoderUnavailableException.class)
                .hasMessage("no /dev/nvidiactl (no NVIDIA driver)");
    }
}
