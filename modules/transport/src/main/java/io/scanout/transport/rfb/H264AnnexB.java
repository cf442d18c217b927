package io.scanout.transport.rfb;

/**
 * What the RFB server needs to know of an H.264 access unit in Annex B form (NAL units behind
 * {@code 00 00 01} or {@code 00 00 00 01} start codes): whether it carries its parameter sets, and
 * where they may go in front of its first slice. Reads the bytes only; no allocation.
 */
final class H264AnnexB {
    static final int NAL_SLICE = 1;
    static final int NAL_IDR_SLICE = 5;
    static final int NAL_SPS = 7;
    static final int NAL_ACCESS_UNIT_DELIMITER = 9;

    private H264AnnexB() {
    }

    /** Whether the access unit carries an SPS (NAL type 7) before its first slice. */
    static boolean hasParameterSets(byte[] au) {
        for (int at = nextNal(au, 0); at >= 0; at = nextNal(au, at)) {
            int type = au[at] & 0x1f;
            if (type == NAL_SPS) {
                return true;
            }
            if (type == NAL_SLICE || type == NAL_IDR_SLICE) {
                return false;
            }
        }
        return false;
    }

    /**
     * Where parameter sets may go in the access unit: after a leading access unit delimiter (type 9),
     * which must stay the first NAL unit — the index where the next NAL unit's start code begins, or
     * the length when the delimiter is all there is; else 0.
     */
    static int afterDelimiter(byte[] au) {
        int first = nextNal(au, 0);
        if (first < 0 || (au[first] & 0x1f) != NAL_ACCESS_UNIT_DELIMITER) {
            return 0;
        }
        int second = nextNal(au, first);
        if (second < 0) {
            return au.length;
        }
        int start = second - 3;
        return start > 0 && au[start - 1] == 0 ? start - 1 : start;
    }

    /**
     * The index of the header byte of the first NAL unit whose start code begins at or after
     * {@code from}; -1 if none (a start code at the very end, with no header byte, is none).
     */
    static int nextNal(byte[] au, int from) {
        for (int i = from; i + 3 < au.length; i++) {
            if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
                return i + 3;
            }
        }
        return -1;
    }
}
