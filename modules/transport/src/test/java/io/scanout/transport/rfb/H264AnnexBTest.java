package io.scanout.transport.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Finding NAL units, parameter sets and the place after an access unit delimiter in Annex B bytes. */
class H264AnnexBTest {
    private static final byte[] LONG_START = {0, 0, 0, 1};
    private static final byte[] SHORT_START = {0, 0, 1};
    private static final byte[] AUD = {0x09, (byte) 0xf0};
    private static final byte[] SPS = {0x67, 0x42, 0x00, 0x1f};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};
    private static final byte[] IDR = {0x65, (byte) 0x88, (byte) 0x84, 0x00};
    private static final byte[] SLICE = {0x41, (byte) 0x9a, 0x02};
    private static final byte[] SEI = {0x06, 0x05, 0x01, (byte) 0x80};

    private static byte[] au(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void nextNalFindsTheHeaderByteAfterEitherStartCode() {
        byte[] au = au(LONG_START, SPS, SHORT_START, PPS);
        int first = H264AnnexB.nextNal(au, 0);
        assertThat(first).isEqualTo(4);
        int second = H264AnnexB.nextNal(au, first);
        assertThat(second).isEqualTo(4 + SPS.length + 3);
        assertThat(au[second]).isEqualTo(PPS[0]);
        assertThat(H264AnnexB.nextNal(au, second)).isEqualTo(-1);
    }

    @Test
    void nextNalFindsNothingWithoutAStartCodeOrAHeaderByte() {
        assertThat(H264AnnexB.nextNal(new byte[0], 0)).isEqualTo(-1);
        assertThat(H264AnnexB.nextNal(new byte[] {0x65, 0x11, 0x22, 0x33}, 0)).isEqualTo(-1);
        assertThat(H264AnnexB.nextNal(au(IDR, SHORT_START), 0)).as("a start code at the very end").isEqualTo(-1);
    }

    @Test
    void aKeyframeWithAnSpsBeforeItsSliceHasParameterSets() {
        assertThat(H264AnnexB.hasParameterSets(au(LONG_START, SPS, LONG_START, PPS, LONG_START, IDR))).isTrue();
        assertThat(H264AnnexB.hasParameterSets(au(LONG_START, AUD, SHORT_START, SEI, LONG_START, SPS,
                LONG_START, PPS, LONG_START, IDR))).isTrue();
    }

    @Test
    void anSpsAfterTheFirstSliceOrNoneAtAllIsNoParameterSets() {
        assertThat(H264AnnexB.hasParameterSets(au(LONG_START, IDR))).isFalse();
        assertThat(H264AnnexB.hasParameterSets(au(LONG_START, AUD, LONG_START, SLICE))).isFalse();
        assertThat(H264AnnexB.hasParameterSets(au(LONG_START, IDR, LONG_START, SPS))).isFalse();
        assertThat(H264AnnexB.hasParameterSets(au(LONG_START, PPS, LONG_START, IDR))).as("a PPS alone").isFalse();
        assertThat(H264AnnexB.hasParameterSets(new byte[0])).isFalse();
    }

    @Test
    void afterDelimiterPointsAtTheNextStartCodeOfEitherLength() {
        byte[] longNext = au(LONG_START, AUD, LONG_START, IDR);
        assertThat(H264AnnexB.afterDelimiter(longNext)).isEqualTo(LONG_START.length + AUD.length);
        byte[] shortNext = au(SHORT_START, AUD, SHORT_START, IDR);
        assertThat(H264AnnexB.afterDelimiter(shortNext)).isEqualTo(SHORT_START.length + AUD.length);
    }

    @Test
    void afterDelimiterIsTheEndWhenTheDelimiterIsAllThereIs() {
        byte[] only = au(LONG_START, AUD);
        assertThat(H264AnnexB.afterDelimiter(only)).isEqualTo(only.length);
    }

    @Test
    void withoutALeadingDelimiterParameterSetsGoFirst() {
        assertThat(H264AnnexB.afterDelimiter(au(LONG_START, IDR))).isZero();
        assertThat(H264AnnexB.afterDelimiter(au(LONG_START, SEI, LONG_START, AUD, LONG_START, IDR))).isZero();
        assertThat(H264AnnexB.afterDelimiter(new byte[] {1, 2, 3})).isZero();
    }
}
