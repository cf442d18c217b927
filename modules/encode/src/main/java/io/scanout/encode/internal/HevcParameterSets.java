package io.scanout.encode.internal;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import java.io.ByteArrayOutputStream;
import java.util.Optional;

/** The VPS, SPS and PPS of an HEVC keyframe, and the codec string they imply. Stateless, thread-safe. */
public final class HevcParameterSets {
    private static final byte[] START_CODE = {0, 0, 0, 1};

    private HevcParameterSets() {
    }

    /**
     * The configuration a keyframe carries in band: VPS, SPS and PPS (each after a four-byte start
     * code, as they came), and the codec string and bit depth from the first SPS.
     *
     * @return empty when the packet lacks one of them before its first slice
     */
    public static Optional<CodecConfig> fromKeyframe(byte[] packet, String encoder, int width, int height) {
        ByteArrayOutputStream sets = new ByteArrayOutputStream(128);
        byte[] sps = null;
        boolean vps = false;
        boolean pps = false;
        for (AnnexB.NalUnit unit : AnnexB.hevcUnits(packet, true)) {
            int type = unit.type();
            if (type == AnnexB.HEVC_VPS || type == AnnexB.HEVC_SPS || type == AnnexB.HEVC_PPS) {
                sets.writeBytes(START_CODE);
                sets.write(packet, unit.offset(), unit.length());
                vps |= type == AnnexB.HEVC_VPS;
                pps |= type == AnnexB.HEVC_PPS;
                if (type == AnnexB.HEVC_SPS && sps == null) {
                    sps = unit.copy(packet);
                }
            }
        }
        if (sps == null || !vps || !pps) {
            return Optional.empty();
        }
        String codecString = codecString(sps);
        return Optional.of(new CodecConfig(Codec.HEVC, encoder, width, height, bitDepth(sps), codecString,
                sets.toByteArray()));
    }

    /**
     * The luma bit depth an SPS declares, 8 + {@code bit_depth_luma_minus8} (H.265 §7.3.2.2.1): 10
     * for Main 10. Reads past {@code profile_tier_level} (with any sub-layers), the SPS id, chroma
     * format, picture size and conformance window to the field.
     *
     * @param sps the SPS NAL unit, two header bytes first, without a start code
     * @throws IllegalArgumentException when it is not an SPS or ends before the field
     */
    public static int bitDepth(byte[] sps) {
        if (sps.length < 15 || (sps[0] >> 1 & 0x3f) != AnnexB.HEVC_SPS) {
            throw new IllegalArgumentException("not an HEVC SPS: " + sps.length + " B, NAL type "
                    + (sps.length == 0 ? "none" : String.valueOf(sps[0] >> 1 & 0x3f)));
        }
        BitReader r = new BitReader(BitReader.unescape(sps, 2, sps.length - 2));
        r.skip(4); // sps_video_parameter_set_id
        int subLayers = (int) r.bits(3); // sps_max_sub_layers_minus1
        r.skip(1); // sps_temporal_id_nesting_flag
        r.skip(88 + 8); // general profile space .. constraint flags, general_level_idc (§7.3.3)
        boolean[] profilePresent = new boolean[subLayers];
        boolean[] levelPresent = new boolean[subLayers];
        for (int i = 0; i < subLayers; i++) {
            profilePresent[i] = r.flag();
            levelPresent[i] = r.flag();
        }
        if (subLayers > 0) {
            r.skip(2L * (8 - subLayers)); // reserved_zero_2bits
        }
        for (int i = 0; i < subLayers; i++) {
            r.skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }
        r.unsignedExpGolomb(); // sps_seq_parameter_set_id
        if (r.unsignedExpGolomb() == 3) { // chroma_format_idc
            r.skip(1); // separate_colour_plane_flag
        }
        r.unsignedExpGolomb(); // pic_width_in_luma_samples
        r.unsignedExpGolomb(); // pic_height_in_luma_samples
        if (r.flag()) { // conformance_window_flag
            for (int i = 0; i < 4; i++) {
                r.unsignedExpGolomb();
            }
        }
        return 8 + (int) r.unsignedExpGolomb(); // bit_depth_luma_minus8
    }

    /**
     * The codec string of an SPS per ISO/IEC 14496-15 Annex E, {@code hev1.P.C.TL.B…}: profile space
     * and {@code general_profile_idc}, the 32 compatibility flags bit-reversed in hex, tier ({@code L}
     * or {@code H}) and {@code general_level_idc}, then the six constraint bytes in hex without the
     * trailing zero ones — e.g. {@code hev1.1.6.L93.B0}. {@code hev1}: parameter sets may come in band.
     *
     * @param sps the SPS NAL unit, two header bytes first, without a start code
     */
    public static String codecString(byte[] sps) {
        if (sps.length < 15 || (sps[0] >> 1 & 0x3f) != AnnexB.HEVC_SPS) {
            throw new IllegalArgumentException("not an HEVC SPS: " + sps.length + " B, NAL type "
                    + (sps.length == 0 ? "none" : String.valueOf(sps[0] >> 1 & 0x3f)));
        }
        byte[] rbsp = BitReader.unescape(sps, 2, sps.length - 2);
        BitReader r = new BitReader(rbsp);
        r.skip(4 + 3 + 1); // sps_video_parameter_set_id, sps_max_sub_layers_minus1, temporal_id_nesting
        int profileSpace = (int) r.bits(2);
        boolean highTier = r.flag();
        int profile = (int) r.bits(5);
        long compatibility = r.bits(32);
        int[] constraints = new int[6];
        for (int i = 0; i < 6; i++) {
            constraints[i] = (int) r.bits(8);
        }
        int level = (int) r.bits(8);
        StringBuilder s = new StringBuilder("hev1.");
        if (profileSpace > 0) {
            s.append((char) ('A' + profileSpace - 1));
        }
        s.append(profile).append('.').append(Long.toHexString(Integer.reverse((int) compatibility) & 0xffffffffL).toUpperCase());
        s.append('.').append(highTier ? 'H' : 'L').append(level);
        int last = constraints.length;
        while (last > 1 && constraints[last - 1] == 0) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            s.append('.').append(Integer.toHexString(constraints[i]).toUpperCase());
        }
        return s.toString();
    }
}
