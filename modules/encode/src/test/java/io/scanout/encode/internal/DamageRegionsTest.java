package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_FRAME_DATA_REGIONS_OF_INTEREST;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_side_data;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import io.scanout.core.Damage;
import io.scanout.core.Rect;
import io.scanout.encode.EncoderSettings;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVFrameSideData;
import org.bytedeco.ffmpeg.avutil.AVRegionOfInterest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DamageRegions}: which rectangles it marks, and the side data it leaves on a real {@code AVFrame}. */
class DamageRegionsTest {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private AVFrame frame;

    @BeforeEach
    void allocate() {
        frame = av_frame_alloc();
    }

    @AfterEach
    void free() {
        av_frame_free(frame);
    }

    @Test
    void rectanglesAreWidenedToWholeBlocksAndClippedToTheFrame() {
        List<Rect> regions = DamageRegions.regions(Damage.of(new Rect(3, 5, 8, 16), new Rect(630, 350, 100, 100)),
                WIDTH, HEIGHT);

        // A typed character inside one macroblock still marks that block; one running off the frame stops at its edge.
        assertThat(regions).containsExactly(new Rect(0, 0, 16, 32), new Rect(624, 336, 16, 24));
    }

    @Test
    void damageWhollyOutsideTheFrameMarksNothing() {
        assertThat(DamageRegions.regions(Damage.of(new Rect(700, 10, 20, 20), new Rect(10, 400, 20, 20)), WIDTH,
                HEIGHT)).isEmpty();
        assertThat(DamageRegions.regions(Damage.of(new Rect(Integer.MAX_VALUE - 10, 0, 10, 10)), WIDTH, HEIGHT))
                .isEmpty();
    }

    @Test
    void wholeEmptyOrFrameCoveringDamageMarksNothing() {
        assertThat(DamageRegions.regions(Damage.whole(), WIDTH, HEIGHT)).isEmpty();
        assertThat(DamageRegions.regions(Damage.none(), WIDTH, HEIGHT)).isEmpty();
        assertThat(DamageRegions.regions(Damage.of(new Rect(1, 1, WIDTH - 2, HEIGHT - 2)), WIDTH, HEIGHT)).isEmpty();
    }

    @Test
    void pastTheCapRectanglesBecomeTheirBoundingBox() {
        List<Rect> many = new ArrayList<>();
        for (int i = 0; i <= DamageRegions.MAX_REGIONS; i++) {
            many.add(new Rect(16 + (i % 16) * 32, 32 + (i / 16) * 32, 4, 4));
        }
        List<Rect> atCap = DamageRegions.regions(Damage.of(many.subList(0, DamageRegions.MAX_REGIONS)), WIDTH, HEIGHT);
        List<Rect> pastCap = DamageRegions.regions(Damage.of(many), WIDTH, HEIGHT);

        assertThat(atCap).hasSize(DamageRegions.MAX_REGIONS);
        // Blocks at x 16..496 step 32 and y 32..160 step 32, each 16 wide and high once widened.
        assertThat(pastCap).containsExactly(new Rect(16, 32, 512 - 16, 176 - 32));
    }

    @Test
    void attachedSideDataHoldsEachRegionWithANegativeOffset() {
        DamageRegions regions = new DamageRegions(EncoderCandidate.X264, WIDTH, HEIGHT);
        regions.attach(frame, Damage.whole(), false);

        int count = regions.attach(frame, Damage.of(new Rect(32, 48, 40, 20), new Rect(320, 0, 320, 16)), false);

        assertThat(count).isEqualTo(2);
        AVFrameSideData side = av_frame_get_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST);
        assertThat(side).isNotNull();
        assertThat(side.size()).isEqualTo(2L * DamageRegions.REGION_SIZE);
        AVRegionOfInterest roi = new AVRegionOfInterest(side.data());
        assertThat(read(roi.position(0))).containsExactly(DamageRegions.REGION_SIZE, 48, 80, 32, 80, -1, 8);
        assertThat(read(roi.position(1))).containsExactly(DamageRegions.REGION_SIZE, 0, 16, 320, 640, -1, 8);
    }

    @Test
    void theFirstFrameAndKeyframesCarryNoRegions() {
        DamageRegions regions = new DamageRegions(EncoderCandidate.X264, WIDTH, HEIGHT);
        Damage corner = Damage.of(new Rect(0, 0, 16, 16));

        assertThat(regions.attach(frame, corner, false)).as("first frame").isZero();
        assertThat(regions.attach(frame, corner, false)).isEqualTo(1);
        assertThat(regions.attach(frame, corner, true)).as("keyframe").isZero();
        assertThat(av_frame_get_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST)).isNull();
    }

    @Test
    void aReusedFrameNeverCarriesMoreThanOneSetAndNoneWhenTheDamageIsWhole() {
        DamageRegions regions = new DamageRegions(EncoderCandidate.X264, WIDTH, HEIGHT);
        for (int i = 0; i < 2000; i++) {
            int n = 1 + i % 5;
            List<Rect> rects = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                rects.add(new Rect(r * 64, (i % 10) * 16, 20, 20));
            }
            regions.attach(frame, Damage.of(rects), false);

            assertThat(frame.nb_side_data()).isEqualTo(i == 0 ? 0 : 1);
        }
        AVFrameSideData last = av_frame_get_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST);
        assertThat(last.size()).isEqualTo(5L * DamageRegions.REGION_SIZE);

        assertThat(regions.attach(frame, Damage.whole(), false)).isZero();
        assertThat(frame.nb_side_data()).isZero();
        // av_frame_unref frees side data with the frame's references: what FfmpegEncoder does after each send.
        regions.attach(frame, Damage.of(new Rect(0, 0, 8, 8)), false);
        av_frame_unref(frame);
        assertThat(frame.nb_side_data()).isZero();
    }

    @Test
    void libvpxGetsOneNeutralRegionAfterAFrameWithRegionsBecauseItKeepsItsLastMap() {
        DamageRegions regions = new DamageRegions(EncoderCandidate.VPX_VP9, WIDTH, HEIGHT);
        regions.attach(frame, Damage.whole(), false);
        regions.attach(frame, Damage.of(new Rect(0, 0, 16, 16)), false);

        assertThat(regions.attach(frame, Damage.none(), false)).isEqualTo(1);
        AVRegionOfInterest reset = new AVRegionOfInterest(
                av_frame_get_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST).data());
        assertThat(read(reset)).containsExactly(DamageRegions.REGION_SIZE, 0, HEIGHT, 0, WIDTH, 0, 8);
        assertThat(regions.attach(frame, Damage.none(), false)).as("reset once").isZero();
        assertThat(frame.nb_side_data()).isZero();
    }

    @Test
    void x265GetsANeutralRegionOnEveryFrameWithoutRegionsOfItsOwn() {
        DamageRegions regions = new DamageRegions(EncoderCandidate.X265, WIDTH, HEIGHT);

        for (Damage damage : List.of(Damage.whole(), Damage.none(), Damage.whole())) {
            assertThat(regions.attach(frame, damage, false)).isEqualTo(1);
            AVRegionOfInterest roi = new AVRegionOfInterest(
                    av_frame_get_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST).data());
            assertThat(read(roi)).containsExactly(DamageRegions.REGION_SIZE, 0, HEIGHT, 0, WIDTH, 0, 8);
        }
        assertThat(regions.attach(frame, Damage.of(new Rect(0, 0, 16, 16)), false)).isEqualTo(1);
        assertThat(read(new AVRegionOfInterest(av_frame_get_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST)
                .data()))).containsExactly(DamageRegions.REGION_SIZE, 0, 16, 0, 16, -1, 8);
        assertThat(frame.nb_side_data()).isEqualTo(1);
    }

    @Test
    void x264KeepsNoMapSoItGetsNoReset() {
        DamageRegions regions = new DamageRegions(EncoderCandidate.X264, WIDTH, HEIGHT);
        regions.attach(frame, Damage.whole(), false);
        regions.attach(frame, Damage.of(new Rect(0, 0, 16, 16)), false);

        assertThat(regions.attach(frame, Damage.none(), false)).isZero();
    }

    @Test
    void onlyEncodersWhoseFfmpegWrapperReadsRegionsGetThem() {
        assertThat(EncoderCandidate.values()).filteredOn(DamageRegions::readBy).containsExactlyInAnyOrder(
                EncoderCandidate.X264, EncoderCandidate.X265, EncoderCandidate.VPX_VP8, EncoderCandidate.VPX_VP9,
                EncoderCandidate.H264_VAAPI, EncoderCandidate.HEVC_VAAPI, EncoderCandidate.AV1_VAAPI);
    }

    @Test
    void x264AndX265RunAdaptiveQuantizationOnlyWhenRegionsAreOn() {
        EncoderSettings on = EncoderSettings.defaults();
        EncoderSettings off = on.withDamageRoi(false);

        assertThat(on.damageRoi()).isTrue();
        assertThat(options(EncoderCandidate.X264, on)).contains("aq-mode=variance");
        assertThat(options(EncoderCandidate.X264, off)).noneMatch(o -> o.startsWith("aq-"));
        assertThat(options(EncoderCandidate.X265, on)).contains("x265-params=log-level=error:aq-mode=1:aq-strength=1");
        assertThat(options(EncoderCandidate.X265, off)).contains("x265-params=log-level=error");
        assertThat(options(EncoderCandidate.VPX_VP9, on)).isEqualTo(options(EncoderCandidate.VPX_VP9, off));
    }

    private static List<String> options(EncoderCandidate encoder, EncoderSettings settings) {
        return EncoderOptions.privateOptions(encoder, settings).stream().map(o -> o[0] + "=" + o[1]).toList();
    }

    private static List<Integer> read(AVRegionOfInterest roi) {
        return List.of(roi.self_size(), roi.top(), roi.bottom(), roi.left(), roi.right(), roi.qoffset().num(),
                roi.qoffset().den());
    }
}
