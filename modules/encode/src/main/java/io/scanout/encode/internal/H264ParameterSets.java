package io.scanout.encode.internal;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The SPS and PPS of an H.264 keyframe, the codec string they imply, and the
 * {@code AVCDecoderConfigurationRecord} ({@code avcC}) MP4 carries them in. Stateless, thread-safe.
 */
public final class H264ParameterSets {
    private static final byte[] START_CODE = {0, 0, 0, 1};

    private H264ParameterSets() {
    }

    /**
     * The configuration a keyframe carries in band: its SPS and PPS (each after a four-byte start
     * code, SPS first as they came), and the codec string and bit depth from the first SPS.
     *
     * @return empty when the packet lacks an SPS or a PPS before its first slice
     */
    public static Optional<CodecConfig> fromKeyframe(byte[] packet, String encoder, int width, int height) {
        ByteArrayOutputStream sets = new ByteArrayOutputStream(64);
        byte[] sps = null;
        boolean pps = false;
        for (AnnexB.NalUnit unit : AnnexB.units(packet, true)) {
            if (unit.type() == AnnexB.SPS || unit.type() == AnnexB.PPS) {
                sets.writeBytes(START_CODE);
                sets.write(packet, unit.offset(), unit.length());
                if (unit.type() == AnnexB.SPS && sps == null) {
                    sps = unit.copy(packet);
                }
                pps |= unit.type() == AnnexB.PPS;
            }
        }
        if (sps == null || !pps) {
            return Optional.empty();
        }
        String codecString = codecString(sps);
        return Optional.of(new CodecConfig(Codec.H264, encoder, width, height, bitDepth(sps), codecString,
                sets.toByteArray()));
    }

    /**
     * The RFC 6381 / WebCodecs codec string of an SPS, {@code avc1.PPCCLL}: profile_idc, the
     * constraint flags byte and level_idc, the three bytes after the NAL header, in uppercase hex.
     *
     * @param sps the SPS NAL unit, header byte first, without a start code
     */
    public static String codecString(byte[] sps) {
        if (sps.length < 4 || (sps[0] & 0x1f) != AnnexB.SPS) {
            throw new IllegalArgumentException("not an H.264 SPS: " + sps.length + " B, NAL type "
                    + (sps.length == 0 ? "none" : String.valueOf(sps[0] & 0x1f)));
        }
        return String.format(Locale.ROOT, "avc1.%02X%02X%02X", sps[1] & 0xff, sps[2] & 0xff, sps[3] & 0xff);
    }

    /**
     * The luma bit depth an SPS declares: 8 + {@code bit_depth_luma_minus8} for the profiles that
     * carry the field (High 10 is 10), 8 for those that do not (Baseline, Main, Extended).
     *
     * @param sps the SPS NAL unit, header byte first, without a start code
     * @throws IllegalArgumentException when the SPS ends before the field
     */
    public static int bitDepth(byte[] sps) {
        if (sps.length < 4 || (sps[0] & 0x1f) != AnnexB.SPS) {
            throw new IllegalArgumentException("not an H.264 SPS: " + sps.length + " B");
        }
        return 8 + chromaFormatAndDepths(sps)[1];
    }

    /**
     * The {@code AVCDecoderConfigurationRecord} (ISO/IEC 14496-15 §5.3.3.1, the {@code avcC} box's
     * payload, FFmpeg's {@code extradata} for MP4) of Annex B parameter sets such as
     * {@link CodecConfig#parameterSets()}: version 1, profile, compatibility and level from the first
     * SPS, 4-byte NAL lengths ({@code lengthSizeMinusOne = 3}) as {@link AnnexB#toLengthPrefixed}
     * writes them, every SPS and PPS in order, and for the High profiles (100, 110, 122, 144) the
     * chroma format and bit depths read from the SPS.
     *
     * @throws IllegalArgumentException when there is no SPS or no PPS, or more than the record holds
     */
    public static byte[] toAvcC(byte[] annexBParameterSets) {
        List<byte[]> spss = new ArrayList<>();
        List<byte[]> ppss = new ArrayList<>();
        for (AnnexB.NalUnit unit : AnnexB.units(annexBParameterSets, false)) {
            if (unit.type() == AnnexB.SPS) {
                spss.add(unit.copy(annexBParameterSets));
            } else if (unit.type() == AnnexB.PPS) {
                ppss.add(unit.copy(annexBParameterSets));
            }
        }
        if (spss.isEmpty() || ppss.isEmpty() || spss.size() > 31 || ppss.size() > 255) {
            throw new IllegalArgumentException("avcC needs 1..31 SPS and 1..255 PPS, got " + spss.size() + " and "
                    + ppss.size() + " (NAL unit types " + AnnexB.types(annexBParameterSets) + ")");
        }
        byte[] sps = spss.get(0);
        if (sps.length < 4) {
            throw new IllegalArgumentException("SPS of " + sps.length + " B is too short");
        }
        int profile = sps[1] & 0xff;
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(1);
        out.write(profile);
        out.write(sps[2] & 0xff);
        out.write(sps[3] & 0xff);
        out.write(0xfc | 3);
        out.write(0xe0 | spss.size());
        for (byte[] set : spss) {
            writeWithLength(out, set);
        }
        out.write(ppss.size());
        for (byte[] set : ppss) {
            writeWithLength(out, set);
        }
        if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
            int[] format = chromaFormatAndDepths(sps);
            out.write(0xfc | format[0]);
            out.write(0xf8 | format[1]);
            out.write(0xf8 | format[2]);
            out.write(0);
        }
        return out.toByteArray();
    }

    private static void writeWithLength(ByteArrayOutputStream out, byte[] unit) {
        if (unit.length > 0xffff) {
            throw new IllegalArgumentException("parameter set of " + unit.length + " B does not fit avcC's 16-bit length");
        }
        out.write(unit.length >>> 8);
        out.write(unit.length & 0xff);
        out.writeBytes(unit);
    }

    /** {@code chroma_format_idc}, {@code bit_depth_luma_minus8}, {@code bit_depth_chroma_minus8} of an SPS (H.264 §7.3.2.1.1). */
    static int[] chromaFormatAndDepths(byte[] sps) {
        int profile = sps[1] & 0xff;
        BitReader r = new BitReader(BitReader.unescape(sps, 1, sps.length - 1));
        r.skip(24); // profile_idc, constraint flags, level_idc
        r.unsignedExpGolomb(); // seq_parameter_set_id
        switch (profile) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> {
                int chroma = (int) r.unsignedExpGolomb();
                if (chroma == 3) {
                    r.skip(1); // separate_colour_plane_flag
                }
                int luma = (int) r.unsignedExpGolomb();
                int chromaDepth = (int) r.unsignedExpGolomb();
                return new int[] {chroma, luma, chromaDepth};
            }
            default -> {
                return new int[] {1, 0, 0};
            }
        }
    }
}
