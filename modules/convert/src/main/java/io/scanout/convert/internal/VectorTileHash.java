package io.scanout.convert.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TileHash} with the Vector API: a row is one flat loop of register-wide rounds, each lane
 * a column of its own, so no round waits on another (the state of a 4K row, 15 KiB, stays in L1
 * between the rows of a band). Kept to a single loop on purpose: Java 17's C2 boxes vectors that
 * live across nested loops, which made earlier versions several times slower. Only
 * {@link TileHashes} names this class, after checking the module is there.
 */
final class VectorTileHash implements TileHash {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final int STEP = INTS.vectorByteSize();
    private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;

    @Override
    public void foldRow(ByteBuffer bytes, int at, int length, int[] state, int offset) {
        int wholeRegisters = length - length % STEP;
        int s = offset;
        for (int i = at; i < at + wholeRegisters; i += STEP, s += INTS.length()) {
            IntVector words = IntVector.fromByteBuffer(INTS, bytes, i, LITTLE);
            IntVector.fromArray(INTS, state, s)
                    .add(words)
                    .lanewise(VectorOperators.ROL, 13)
                    .mul(PRIME_1)
                    .intoArray(state, s);
        }
        TileHash.foldScalar(bytes, at + wholeRegisters, length - wholeRegisters, state, s);
    }
}
