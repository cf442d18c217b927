package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.FramePool;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AnnexBTest {
    private final FramePool pool = new FramePool();

    @AfterEach
    void closePool() {
        assertThat(pool.stats().outstanding()).isZero();
        pool.close();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void splitsOnThreeAndFourByteStartCodesAndDropsTrailingZeros() {
        byte[] stream = bytes(0, 0, 0, 1, 0x67, 0x42, 0xC0, 0x1F, 0xAA,
                0, 0, 1, 0x68, 0xCE,
                0, 0, 0, 1, 0x65, 0x88, 0x84, 0, 0);

        List<AnnexB.NalUnit> units = AnnexB.units(stream, false);

        assertThat(units).containsExactly(new AnnexB.NalUnit(4, 5, 7), new AnnexB.NalUnit(12, 2, 8),
                new AnnexB.NalUnit(18, 3, 5));
        assertThat(units.get(0).copy(stream)).containsExactly(bytes(0x67, 0x42, 0xC0, 0x1F, 0xAA));
    }

    @Test
    void skipsBytesBeforeTheFirstStartCodeAndFindsNothingWithoutOne() {
        assertThat(AnnexB.types(bytes(0x12, 0x00, 0x00, 0x01, 0x41, 0x9A))).containsExactly(1);
        assertThat(AnnexB.units(bytes(0x67, 0x42, 0x00, 0x1F), false)).isEmpty();
        assertThat(AnnexB.units(new byte[0], false)).isEmpty();
        assertThat(AnnexB.units(bytes(0, 0, 1), false)).isEmpty();
    }

    @Test
    void emulationPreventionBytesAreNotStartCodes() {
        // 00 00 03 01 inside a unit is an escaped 00 00 01, not a boundary; high bytes (0x80+) are not 0 or 1.
        byte[] stream = bytes(0, 0, 1, 0x67, 0, 0, 3, 1, 0xFF, 0x80, 0, 0, 1, 0x68, 0xEE);

        assertThat(AnnexB.units(stream, false)).containsExactly(new AnnexB.NalUnit(3, 7, 7),
                new AnnexB.NalUnit(13, 2, 8));
    }

    @Test
    void stopsAtTheFirstSliceWhenAsked() {
        byte[] stream = bytes(0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0x11, 0, 0, 1, 0x65, 0x22, 0, 0, 1, 0x65, 0x33);

        assertThat(AnnexB.units(stream, true)).extracting(AnnexB.NalUnit::type).containsExactly(7, 8, 5);
        assertThat(AnnexB.types(stream)).containsExactly(7, 8, 5, 5);
    }

    @Test
    void x264KeyframesCarryParameterSetsBeforeTheIdrSliceAndOtherFramesOnlySlices() {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(EncoderCandidate.X264, pool, 320, 240, 4);

        List<Integer> first = AnnexB.types(packets.get(0).data());
        assertThat(first).contains(AnnexB.SPS, AnnexB.PPS, AnnexB.IDR);
        assertThat(first.indexOf(AnnexB.SPS)).isLessThan(first.indexOf(AnnexB.PPS));
        assertThat(first.indexOf(AnnexB.PPS)).isLessThan(first.indexOf(AnnexB.IDR));
        for (EncodedFrames.Packet p : packets.subList(1, packets.size())) {
            assertThat(AnnexB.types(p.data())).containsOnly(AnnexB.SLICE);
        }
    }
}
