package io.scanout.transport.rfb;

/** RFB encoding numbers this server speaks (RFC 6143 §7.7, §7.8; Open H.264 from the RFB community registry). */
final class Encodings {
    static final int RAW = 0;
    static final int ZRLE = 16;
    /** Open H.264: per rectangle a 4-byte length, 4-byte flags, then Annex B bytes. */
    static final int OPEN_H264 = 50;
    static final int DESKTOP_SIZE = -223;
    static final int CURSOR = -239;
    /** PointerPos (RFB community specification): the pointer's position as a 0×0 rectangle. */
    static final int POINTER_POS = -232;

    /** Open H.264 flag: forget the decoder state kept for this rectangle before decoding. */
    static final int H264_RESET_CONTEXT = 1;
    /** Open H.264 flag: forget every rectangle's decoder state. */
    static final int H264_RESET_ALL_CONTEXTS = 2;

    private Encodings() {
    }
}
