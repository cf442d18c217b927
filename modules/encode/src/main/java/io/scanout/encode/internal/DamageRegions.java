package io.scanout.encode.internal;

import static org.bytedeco.ffmpeg.global.avutil.AV_FRAME_DATA_REGIONS_OF_INTEREST;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_new_side_data;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_remove_side_data;

import io.scanout.core.Damage;
import io.scanout.core.Rect;
import io.scanout.encode.EncodeException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVFrameSideData;
import org.bytedeco.ffmpeg.avutil.AVRegionOfInterest;
import org.bytedeco.javacpp.Loader;

/**
 * A frame's damage as FFmpeg's regions of interest ({@code AV_FRAME_DATA_REGIONS_OF_INTEREST} side
 * data, an array of {@code AVRegionOfInterest}): the rectangles that changed get a negative quantizer
 * offset, so the encoder spends its bits where the picture moved — typed text, a redrawn window —
 * rather than evenly over a screen that mostly stood still.
 *
 * <p>Which encoders read it (FFmpeg 8.1): libx264 and libx265 when adaptive quantization is on (the
 * ultrafast preset turns it off; {@link EncoderOptions} turns variance AQ on when regions are, the
 * one mode in which they apply the offsets), libvpx VP8 and VP9 (as a segment map; VP9 only in
 * real-time mode at {@code cpu-used} ≥ 5 without libvpx AQ, as Scanout runs it), and VAAPI H.264,
 * HEVC and AV1 where the driver reports ROI support (others log once that they ignore it).
 * libsvtav1, OpenH264, NVENC and QSV do not read it.
 *
 * <p>Rectangles are widened to whole 16×16 blocks (macroblocks; libvpx and x265 round outward
 * themselves, but a region smaller than a block would otherwise mark nothing on some), clipped to
 * the frame, and past {@link #MAX_REGIONS} merged into their bounding box, so a pathological damage
 * list costs a bounded amount. Whole-frame or empty damage attaches nothing: a uniform offset means
 * nothing to a rate-controlled encoder.
 *
 * <p>libvpx keeps the last map it was given for every later frame, so after a frame with regions the
 * next frame without any carries one whole-frame region of offset 0, which resets it. x265 gives each
 * picture of its internal pool an offset array only if the picture that made it came with offsets; a
 * later picture with offsets then writes through a null pointer (a JVM crash, seen here with FFmpeg
 * 8.1's x265 when the first frame had none). So x265 gets that neutral region on every frame that
 * has no regions of its own.
 *
 * <p>Native memory: the side data belongs to the {@code AVFrame} it is attached to and is freed with
 * that frame's {@code av_frame_unref}; {@link #attach} first removes any left there, so a reused frame
 * never collects more than one set. This object holds no native memory. One thread, the encoder's.
 */
final class DamageRegions {
    /** More rectangles than this become their bounding box. */
    static final int MAX_REGIONS = 64;
    /** The block size regions are widened to: H.264 macroblocks, and a multiple of libvpx's 8. */
    static final int BLOCK = 16;
    /**
     * The quantizer offset of damaged areas, in FFmpeg's units of the codec's whole QP range: x264 and
     * VAAPI H.264 take it as −51/8 ≈ −6 QP (about twice the bits), libvpx as −7 of 63 delta-q.
     */
    static final int QOFFSET_NUM = -1;
    static final int QOFFSET_DEN = 8;
    /** sizeof(AVRegionOfInterest) as the presets were compiled against libavutil/frame.h. */
    static final int REGION_SIZE = Loader.sizeof(AVRegionOfInterest.class);

    private final int width;
    private final int height;
    /** libvpx: its ROI map outlives the frame it came with, so it needs a reset. */
    private final boolean mapPersists;
    /** x265: every frame needs regions, neutral ones when there are none (see above). */
    private final boolean everyFrame;
    private boolean lastHadRegions;
    private boolean sentAny;

    /** For {@code encoder}'s frames of {@code width}×{@code height}. */
    DamageRegions(EncoderCandidate encoder, int width, int height) {
        this.width = width;
        this.height = height;
        this.mapPersists = encoder == EncoderCandidate.VPX_VP8 || encoder == EncoderCandidate.VPX_VP9;
        this.everyFrame = encoder == EncoderCandidate.X265;
    }

    /** Whether FFmpeg's wrapper of {@code encoder} reads regions of interest at all. */
    static boolean readBy(EncoderCandidate encoder) {
        return switch (encoder) {
            case X264, X265, VPX_VP8, VPX_VP9, H264_VAAPI, HEVC_VAAPI, AV1_VAAPI -> true;
            default -> false;
        };
    }

    /**
     * The regions to mark for {@code damage} on a {@code width}×{@code height} frame, most important
     * first (FFmpeg's order); empty when nothing should be marked.
     */
    static List<Rect> regions(Damage damage, int width, int height) {
        if (damage.isWhole() || damage.isEmpty()) {
            return List.of();
        }
        List<Rect> kept = new ArrayList<>();
        Rect bounds = new Rect(0, 0, 0, 0);
        for (Rect r : damage.rectangles()) {
            Rect block = toBlocks(r, width, height);
            if (!block.isEmpty()) {
                kept.add(block);
                bounds = bounds.union(block);
            }
        }
        if (kept.size() > MAX_REGIONS) {
            kept = List.of(bounds);
        }
        if (kept.isEmpty() || covers(bounds, width, height) && kept.size() == 1) {
            return List.of();
        }
        return List.copyOf(kept);
    }

    /** {@code r} widened to whole blocks and clipped to the frame; empty when it lies outside. */
    static Rect toBlocks(Rect r, int width, int height) {
        long left = Math.min((long) r.x() / BLOCK * BLOCK, width);
        long top = Math.min((long) r.y() / BLOCK * BLOCK, height);
        long right = Math.min(((long) r.x() + r.width() + BLOCK - 1) / BLOCK * BLOCK, width);
        long bottom = Math.min(((long) r.y() + r.height() + BLOCK - 1) / BLOCK * BLOCK, height);
        if (r.isEmpty() || right <= left || bottom <= top) {
            return new Rect(0, 0, 0, 0);
        }
        return new Rect((int) left, (int) top, (int) (right - left), (int) (bottom - top));
    }

    private static boolean covers(Rect r, int width, int height) {
        return r.x() == 0 && r.y() == 0 && r.width() == width && r.height() == height;
    }

    /**
     * Replaces {@code frame}'s regions of interest with those of {@code damage}: removes any already
     * there, then adds the new ones (or a neutral one: for libvpx after a frame with regions, for x265
     * always). The first
     * frame and requested keyframes count as wholly damaged: a viewer starting there has seen nothing
     * of the picture, and the damage of a first frame is against a frame this encoder never had.
     *
     * @return how many regions the frame now carries
     * @throws EncodeException when FFmpeg cannot allocate the side data
     */
    int attach(AVFrame frame, Damage damage, boolean keyframe) {
        av_frame_remove_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST);
        List<Rect> regions = keyframe || !sentAny ? List.of() : regions(damage, width, height);
        sentAny = true;
        int num = QOFFSET_NUM;
        if (regions.isEmpty()) {
            if (!(everyFrame || mapPersists && lastHadRegions)) {
                return 0;
            }
            regions = List.of(new Rect(0, 0, width, height));
            num = 0;
        }
        AVFrameSideData side = av_frame_new_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST,
                (long) regions.size() * REGION_SIZE);
        if (side == null) {
            throw new EncodeException("cannot allocate " + regions.size() + " regions of interest (out of memory)");
        }
        AVRegionOfInterest roi = new AVRegionOfInterest(side.data());
        for (int i = 0; i < regions.size(); i++) {
            Rect r = regions.get(i);
            roi.position(i).self_size(REGION_SIZE)
                    .top(r.y()).bottom(r.bottom()).left(r.x()).right(r.right())
                    .qoffset().num(num).den(QOFFSET_DEN);
        }
        lastHadRegions = num != 0;
        return regions.size();
    }
}
