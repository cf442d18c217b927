package io.scanout.encode.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fields of an AV1 sequence header OBU (AV1 specification §5.5) that name a stream — profile,
 * level and tier of the first operating point, bit depth, chroma — and the OBU's bytes, found in a
 * packet of low-overhead OBUs ({@code obu_has_size_field}, as encoders emit them). Immutable.
 *
 * @param obu          the whole sequence header OBU (header, size field, payload), as in the packet
 * @param profile      {@code seq_profile}: 0 Main, 1 High, 2 Professional
 * @param level        {@code seq_level_idx[0]}: 0 is level 2.0, 4 is 3.0, 8 is 4.0, 31 unconstrained
 * @param highTier     {@code seq_tier[0]}
 * @param bitDepth     8, 10 or 12
 * @param monochrome   {@code mono_chrome}
 * @param subsamplingX {@code subsampling_x}
 * @param subsamplingY {@code subsampling_y}
 */
public record Av1SequenceHeader(byte[] obu, int profile, int level, boolean highTier, int bitDepth,
                                boolean monochrome, boolean subsamplingX, boolean subsamplingY) {
    /** {@code OBU_SEQUENCE_HEADER}. */
    public static final int OBU_SEQUENCE_HEADER = 1;
    public static final int OBU_TEMPORAL_DELIMITER = 2;
    public static final int OBU_FRAME = 6;

    /** One OBU in a packet: its type and where its header and payload lie. */
    public record Obu(int type, int offset, int headerLength, int payloadLength) {
        public int length() {
            return headerLength + payloadLength;
        }
    }

    /**
     * The OBUs of a packet in order.
     *
     * @throws IllegalArgumentException when an OBU's size runs past the packet
     */
    public static List<Obu> obus(byte[] packet) {
        List<Obu> obus = new ArrayList<>();
        int at = 0;
        while (at < packet.length) {
            int header = packet[at] & 0xff;
            int type = header >> 3 & 0xf;
            boolean extension = (header & 0x4) != 0;
            boolean hasSize = (header & 0x2) != 0;
            int cursor = at + 1 + (extension ? 1 : 0);
            long size;
            if (hasSize) {
                long value = 0;
                int i = 0;
                while (true) {
                    if (cursor >= packet.length || i == 8) {
                        throw new IllegalArgumentException("OBU at byte " + at + " has a broken size field");
                    }
                    int b = packet[cursor++] & 0xff;
                    value |= (long) (b & 0x7f) << (7 * i);
                    i++;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                size = value;
            } else {
                size = packet.length - cursor;
            }
            if (cursor + size > packet.length) {
                throw new IllegalArgumentException("OBU of type " + type + " at byte " + at + " claims " + size
                        + " B, past the packet's " + packet.length);
            }
            obus.add(new Obu(type, at, cursor - at, (int) size));
            at = cursor + (int) size;
        }
        return obus;
    }

    /** The sequence header of a packet (keyframes carry one), if it has one. */
    public static Optional<Av1SequenceHeader> find(byte[] packet) {
        for (Obu obu : obus(packet)) {
            if (obu.type() == OBU_SEQUENCE_HEADER) {
                byte[] bytes = Arrays.copyOfRange(packet, obu.offset(), obu.offset() + obu.length());
                return Optional.of(parse(bytes, obu.headerLength(), obu.payloadLength()));
            }
        }
        return Optional.empty();
    }

    private static Av1SequenceHeader parse(byte[] obu, int payloadOffset, int payloadLength) {
        BitReader r = new BitReader(obu, payloadOffset, payloadLength);
        int profile = (int) r.bits(3);
        r.skip(1); // still_picture
        boolean reducedStillPictureHeader = r.flag();
        int level;
        boolean highTier = false;
        if (reducedStillPictureHeader) {
            level = (int) r.bits(5);
        } else {
            boolean decoderModelInfoPresent = false;
            int bufferDelayLength = 0;
            if (r.flag()) { // timing_info_present_flag
                r.skip(64); // num_units_in_display_tick, time_scale
                if (r.flag()) { // equal_picture_interval
                    r.uvlc();
                }
                decoderModelInfoPresent = r.flag();
                if (decoderModelInfoPresent) {
                    bufferDelayLength = (int) r.bits(5) + 1;
                    r.skip(32 + 5 + 5); // num_units_in_decoding_tick, two length fields
                }
            }
            boolean initialDisplayDelayPresent = r.flag();
            int operatingPoints = (int) r.bits(5) + 1;
            level = -1;
            for (int i = 0; i < operatingPoints; i++) {
                r.skip(12); // operating_point_idc
                int seqLevel = (int) r.bits(5);
                boolean tier = seqLevel > 7 && r.flag();
                if (i == 0) {
                    level = seqLevel;
                    highTier = tier;
                }
                if (decoderModelInfoPresent && r.flag()) {
                    r.skip(2L * bufferDelayLength + 1); // decoder/encoder buffer delay, low_delay_mode_flag
                }
                if (initialDisplayDelayPresent && r.flag()) {
                    r.skip(4);
                }
            }
        }
        int widthBits = (int) r.bits(4) + 1;
        int heightBits = (int) r.bits(4) + 1;
        r.skip(widthBits + heightBits);
        if (!reducedStillPictureHeader && r.flag()) { // frame_id_numbers_present_flag
            r.skip(4 + 3);
        }
        r.skip(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
        if (!reducedStillPictureHeader) {
            r.skip(4); // interintra_compound, masked_compound, warped_motion, dual_filter
            boolean orderHint = r.flag();
            if (orderHint) {
                r.skip(2); // jnt_comp, ref_frame_mvs
            }
            int forceScreenContentTools = r.flag() ? 2 : r.bit();
            if (forceScreenContentTools > 0 && !r.flag()) { // seq_choose_integer_mv
                r.skip(1); // seq_force_integer_mv
            }
            if (orderHint) {
                r.skip(3);
            }
        }
        r.skip(3); // superres, cdef, restoration
        boolean highBitDepth = r.flag();
        int bitDepth = 8;
        if (profile == 2 && highBitDepth) {
            bitDepth = r.flag() ? 12 : 10;
        } else if (highBitDepth) {
            bitDepth = 10;
        }
        boolean monochrome = profile != 1 && r.flag();
        boolean subsamplingX;
        boolean subsamplingY;
        boolean colourDescription = r.flag();
        int primaries = 2;
        int transfer = 2;
        int matrix = 2;
        if (colourDescription) {
            primaries = (int) r.bits(8);
            transfer = (int) r.bits(8);
            matrix = (int) r.bits(8);
        }
        if (monochrome) {
            subsamplingX = true;
            subsamplingY = true;
        } else if (primaries == 1 && transfer == 13 && matrix == 0) { // sRGB: 4:4:4
            subsamplingX = false;
            subsamplingY = false;
        } else {
            r.skip(1); // color_range
            if (profile == 0) {
                subsamplingX = true;
                subsamplingY = true;
            } else if (profile == 1) {
                subsamplingX = false;
                subsamplingY = false;
            } else if (bitDepth == 12) {
                subsamplingX = r.flag();
                subsamplingY = subsamplingX && r.flag();
            } else {
                subsamplingX = true;
                subsamplingY = false;
            }
        }
        return new Av1SequenceHeader(obu, profile, level, highTier, bitDepth, monochrome, subsamplingX, subsamplingY);
    }

    /** The whole OBU, a copy. */
    @Override
    public byte[] obu() {
        return obu.clone();
    }

    /**
     * The codec string of the AV1 codecs parameter ({@code av01.P.LLT.DD}), as WebCodecs takes it:
     * e.g. {@code av01.0.04M.08} for Main profile, level 3.0, Main tier, 8 bits.
     */
    public String codecString() {
        return String.format(Locale.ROOT, "av01.%d.%02d%c.%02d", profile, level, highTier ? 'H' : 'M', bitDepth);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Av1SequenceHeader h && Arrays.equals(obu, h.obu);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(obu);
    }

    @Override
    public String toString() {
        return codecString() + " (" + obu.length + " B sequence header)";
    }
}
