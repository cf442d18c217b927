package io.scanout.convert.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TileHash} with the Vector API: a row is one flat loop over its chunks, each lane a state
 * int of its own, so no chunk waits on another (a 4K row's state, 4 KiB with chains of four, stays
 * in L1 between the rows of a band). One loop per chain length, each written out, and no nested
 * loops on purpose: Java 17's C2 boxes vectors that live across nested loops, which made earlier
 * versions several times slower. Only {@link TileHashes} names this class, after checking the
 * module is there.
 */
final class VectorTileHash implements TileHash {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final int STEP = INTS.vectorByteSize();
    private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;

    @Override
    public int lanes() {
        return INTS.length();
    }

    @Override
    public void foldRow(ByteBuffer bytes, int at, int length, FoldShape shape, int[] state, int offset) {
        if (shape.lanes() != INTS.length()) {
            throw new IllegalArgumentException("a shape of " + shape.lanes() + " lanes for a hash of " + INTS.length());
        }
        int chunks = shape.wholeChunks(length);
        int end = at + chunks * shape.chain() * STEP;
        switch (shape.chain()) {
            case 1 -> foldChunksOfOne(bytes, at, end, state, offset);
            case 2 -> foldChunksOfTwo(bytes, at, end, state, offset);
            case 4 -> foldChunksOfFour(bytes, at, end, state, offset);
            default -> throw new IllegalArgumentException("chains of " + shape.chain());
        }
        TileHash.foldTail(bytes, end, at + length - end, state, offset + chunks * INTS.length());
    }

    private static void foldChunksOfOne(ByteBuffer bytes, int at, int end, int[] state, int offset) {
        for (int i = at, s = offset; i < end; i += STEP, s += INTS.length()) {
            IntVector h = IntVector.fromArray(INTS, state, s);
            round(h, bytes, i).intoArray(state, s);
        }
    }

    private static void foldChunksOfTwo(ByteBuffer bytes, int at, int end, int[] state, int offset) {
        for (int i = at, s = offset; i < end; i += 2 * STEP, s += INTS.length()) {
            IntVector h = IntVector.fromArray(INTS, state, s);
            h = round(h, bytes, i);
            round(h, bytes, i + STEP).intoArray(state, s);
        }
    }

    private static void foldChunksOfFour(ByteBuffer bytes, int at, int end, int[] state, int offset) {
        for (int i = at, s = offset; i < end; i += 4 * STEP, s += INTS.length()) {
            IntVector h = IntVector.fromArray(INTS, state, s);
            h = round(h, bytes, i);
            h = round(h, bytes, i + STEP);
            h = round(h, bytes, i + 2 * STEP);
            round(h, bytes, i + 3 * STEP).intoArray(state, s);
        }
    }

    /** {@link TileHash#round} of every lane of {@code state} with the register of words at {@code i}. */
    private static IntVector round(IntVector state, ByteBuffer bytes, int i) {
        return state.add(IntVector.fromByteBuffer(INTS, bytes, i, LITTLE))
                .lanewise(VectorOperators.ROL, 13)
                .mul(PRIME_1);
    }
}
