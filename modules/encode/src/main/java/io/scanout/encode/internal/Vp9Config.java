package io.scanout.encode.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * What a VP9 keyframe says about its stream — profile and bit depth, from the uncompressed header
 * (VP9 bitstream specification §6.2) — and the level a stream of that size, rate and bitrate falls
 * in, from the VP9 level table (webmproject.org/vp9/levels, libvpx's {@code vp9_level_defs}). VP9
 * carries no level in its bitstream: the level names the least decoder that can play the stream.
 *
 * @param profile  0..3; profile 0 is 8-bit 4:2:0
 * @param bitDepth 8, 10 or 12
 */
public record Vp9Config(int profile, int bitDepth) {
    /** The levels: id (×10), max luma samples per second, max luma picture size, max width or height, average kbit/s. */
    private static final long[][] LEVELS = {
        {10, 829_440L, 36_864, 512, 200},
        {11, 2_764_800L, 73_728, 768, 800},
        {20, 4_608_000L, 122_880, 960, 1_800},
        {21, 9_216_000L, 245_760, 1_344, 3_600},
        {30, 20_736_000L, 552_960, 2_048, 7_200},
        {31, 36_864_000L, 983_040, 2_752, 12_000},
        {40, 83_558_400L, 2_228_224, 4_160, 18_000},
        {41, 160_432_128L, 2_228_224, 4_160, 30_000},
        {50, 311_951_360L, 8_912_896, 8_384, 60_000},
        {51, 588_251_136L, 8_912_896, 8_384, 120_000},
        {52, 1_176_502_272L, 8_912_896, 8_384, 180_000},
        {60, 1_176_502_272L, 35_651_584, 16_832, 180_000},
        {61, 2_353_004_544L, 35_651_584, 16_832, 240_000},
        {62, 4_706_009_088L, 35_651_584, 16_832, 480_000},
    };

    /**
     * The profile and bit depth of a keyframe (the first frame of a superframe).
     *
     * @return empty when the packet is not a VP9 keyframe
     */
    public static Optional<Vp9Config> fromKeyframe(byte[] packet) {
        if (packet.length < 10) {
            return Optional.empty();
        }
        BitReader r = new BitReader(packet);
        if (r.bits(2) != 2) { // frame_marker
            return Optional.empty();
        }
        int low = r.bit();
        int profile = r.bit() << 1 | low;
        if (profile == 3) {
            r.skip(1);
        }
        if (r.flag()) { // show_existing_frame
            return Optional.empty();
        }
        if (r.bit() != 0) { // frame_type: 0 is KEY_FRAME
            return Optional.empty();
        }
        r.skip(2); // show_frame, error_resilient_mode
        if (r.bits(8) != 0x49 || r.bits(8) != 0x83 || r.bits(8) != 0x42) {
            return Optional.empty();
        }
        int bitDepth = profile >= 2 ? (r.flag() ? 12 : 10) : 8;
        return Optional.of(new Vp9Config(profile, bitDepth));
    }

    /**
     * The least level whose limits hold a {@code width}×{@code height} stream at {@code frameRate}
     * and {@code bitrate}: level × 10, e.g. 31 for level 3.1; 62 when even level 6.2 is exceeded.
     */
    public static int level(int width, int height, int frameRate, long bitrate) {
        long pictureSize = (long) width * height;
        long sampleRate = pictureSize * frameRate;
        int breadth = Math.max(width, height);
        for (long[] level : LEVELS) {
            if (sampleRate <= level[1] && pictureSize <= level[2] && breadth <= level[3] && bitrate <= level[4] * 1000) {
                return (int) level[0];
            }
        }
        return (int) LEVELS[LEVELS.length - 1][0];
    }

    /**
     * The codec string of the VP9 codecs parameter in its short form, {@code vp09.PP.LL.DD}, as
     * WebCodecs takes it: e.g. {@code vp09.00.31.08} for profile 0, level 3.1, 8 bits.
     */
    public String codecString(int level) {
        return String.format(Locale.ROOT, "vp09.%02d.%02d.%02d", profile, level, bitDepth);
    }
}
