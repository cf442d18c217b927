package io.scanout.convert.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TileHash} with the Vector API: four registers of 64-bit lanes (32 lanes with AVX-512),
 * each a chain of xxHash64 rounds, so that the multiplies of neighbouring loads overlap instead of
 * waiting on each other; the bytes past the last whole register go through the scalar round into
 * one more lane. Only {@link TileHashes} names this class, after checking the module is there.
 */
final class VectorTileHash implements TileHash {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int LANES = LONGS.length();
    private static final int STEP = LONGS.vectorByteSize();
    private static final int CHAINS = 4;
    private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;

    @Override
    public int stateLongs() {
        return CHAINS * LANES + 1;
    }

    @Override
    public void fold(ByteBuffer bytes, int at, int length, long[] state, int offset) {
        int end = at + length;
        int i = at;
        if (length >= STEP) {
            LongVector a0 = LongVector.fromArray(LONGS, state, offset);
            LongVector a1 = LongVector.fromArray(LONGS, state, offset + LANES);
            LongVector a2 = LongVector.fromArray(LONGS, state, offset + 2 * LANES);
            LongVector a3 = LongVector.fromArray(LONGS, state, offset + 3 * LANES);
            for (; i + CHAINS * STEP <= end; i += CHAINS * STEP) {
                a0 = round(a0, LongVector.fromByteBuffer(LONGS, bytes, i, LITTLE));
                a1 = round(a1, LongVector.fromByteBuffer(LONGS, bytes, i + STEP, LITTLE));
                a2 = round(a2, LongVector.fromByteBuffer(LONGS, bytes, i + 2 * STEP, LITTLE));
                a3 = round(a3, LongVector.fromByteBuffer(LONGS, bytes, i + 3 * STEP, LITTLE));
            }
            for (; i + STEP <= end; i += STEP) {
                a0 = round(a0, LongVector.fromByteBuffer(LONGS, bytes, i, LITTLE));
            }
            a0.intoArray(state, offset);
            a1.intoArray(state, offset + LANES);
            a2.intoArray(state, offset + 2 * LANES);
            a3.intoArray(state, offset + 3 * LANES);
        }
        int tail = offset + CHAINS * LANES;
        long s = state[tail];
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            s = TileHash.round(s, bytes.getLong(i));
        }
        for (; i < end; i++) {
            s = TileHash.round(s, bytes.get(i));
        }
        state[tail] = s;
    }

    private static LongVector round(LongVector state, LongVector words) {
        return state.add(words.mul(PRIME_2)).lanewise(VectorOperators.ROL, 31).mul(PRIME_1);
    }
}
