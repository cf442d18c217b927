package io.scanout.encode.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an H.264 or HEVC Annex B byte stream (ITU-T H.264 Annex B, H.265 Annex B) into its NAL units:
 * each unit follows a start code {@code 00 00 01} (or {@code 00 00 00 01}) and runs to the next start
 * code, zero bytes before a start code belonging to neither. Stateless and thread-safe.
 */
public final class AnnexB {
    /** {@code nal_unit_type} of a coded slice of a non-IDR picture. */
    public static final int SLICE = 1;
    /** {@code nal_unit_type} of a coded slice of an IDR picture. */
    public static final int IDR = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;
    /** HEVC {@code nal_unit_type}s: VCL units are 0..31, parameter sets 32..34. */
    public static final int HEVC_VPS = 32;
    public static final int HEVC_SPS = 33;
    public static final int HEVC_PPS = 34;
    public static final int HEVC_IDR_W_RADL = 19;
    public static final int HEVC_IDR_N_LP = 20;

    private AnnexB() {
    }

    /** One NAL unit: where its bytes (header byte first, start code excluded) lie in the stream. */
    public record NalUnit(int offset, int length, int type) {
        /** A copy of the unit's bytes, header byte first. */
        public byte[] copy(byte[] stream) {
            byte[] unit = new byte[length];
            System.arraycopy(stream, offset, unit, 0, length);
            return unit;
        }
    }

    /**
     * The NAL units of {@code stream}, in order, up to and including the first coded slice when
     * {@code untilSlice} (parameter sets and SEI precede the slices, so a caller looking for them
     * stops there without scanning a large picture). Bytes before the first start code are skipped.
     */
    public static List<NalUnit> units(byte[] stream, boolean untilSlice) {
        return units(stream, untilSlice, false);
    }

    /**
     * The NAL units of an HEVC stream, with HEVC's {@code nal_unit_type} ({@code (byte0 >> 1) & 0x3f}),
     * up to and including the first VCL unit when {@code untilSlice}.
     */
    public static List<NalUnit> hevcUnits(byte[] stream, boolean untilSlice) {
        return units(stream, untilSlice, true);
    }

    private static List<NalUnit> units(byte[] stream, boolean untilSlice, boolean hevc) {
        List<NalUnit> units = new ArrayList<>();
        int start = nextUnitStart(stream, 0);
        while (start >= 0 && start < stream.length) {
            int next = nextUnitStart(stream, start);
            // The unit ends where the next start code (00 00 01) begins, less trailing zero bytes
            // (trailing_zero_8bits, or the leading zero of a four-byte start code).
            int end = next < 0 ? stream.length : next - 3;
            while (end > start && stream[end - 1] == 0) {
                end--;
            }
            if (end > start) {
                int type = hevc ? stream[start] >> 1 & 0x3f : stream[start] & 0x1f;
                units.add(new NalUnit(start, end - start, type));
                boolean slice = hevc ? type < 32 : type >= SLICE && type <= IDR;
                if (untilSlice && slice) {
                    break;
                }
            }
            start = next;
        }
        return units;
    }

    /** The {@code nal_unit_type} of every unit, in order, e.g. {@code [7, 8, 5]} for SPS, PPS, IDR slice. */
    public static List<Integer> types(byte[] stream) {
        return units(stream, false).stream().map(NalUnit::type).toList();
    }

    /**
     * The same units, each after a 4-byte big-endian length instead of a start code: the form MP4
     * ({@code avc1}/{@code hvc1} samples with {@code lengthSizeMinusOne = 3}) carries.
     */
    public static byte[] toLengthPrefixed(byte[] stream) {
        List<NalUnit> all = units(stream, false);
        int size = 0;
        for (NalUnit unit : all) {
            size += 4 + unit.length();
        }
        byte[] out = new byte[size];
        int at = 0;
        for (NalUnit unit : all) {
            int n = unit.length();
            out[at] = (byte) (n >>> 24);
            out[at + 1] = (byte) (n >>> 16);
            out[at + 2] = (byte) (n >>> 8);
            out[at + 3] = (byte) n;
            System.arraycopy(stream, unit.offset(), out, at + 4, n);
            at += 4 + n;
        }
        return out;
    }

    /** The index just past the next {@code 00 00 01} at or after {@code from}, or -1. */
    private static int nextUnitStart(byte[] s, int from) {
        for (int i = from; i + 2 < s.length; i++) {
            if ((s[i + 2] & 0xff) > 1) {
                // Neither 0 nor 1: no start code can cover i, i+1 or i+2 in its first two bytes.
                i += 2;
            } else if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
                return i + 3;
            }
        }
        return -1;
    }
}
