package io.scanout.convert.internal;

import java.nio.ByteBuffer;

/**
 * A running hash of every column of a band of rows, for {@link TileDiff}: each row of a tile row is
 * folded in whole, word by word into the state ints a {@link FoldShape} assigns, so a tile's digest
 * is the slice of state under its columns, compared as it is. An unchanged frame is then read once,
 * where comparing it with the copy of the previous frame reads twice as much.
 *
 * <p>Each word goes through a round like xxHash32's without its first multiply,
 * {@code rotl(state + word, 13)·P1} (the multiply by the word's own prime cost a third more time at
 * 4K, and adds no guarantee): a bijection of the word for a given state and of the state for a
 * given word. The rotation brings a change's high bits down before the multiply spreads them up,
 * so the same bit flipped in two words of a state's chain does not cancel. So a change confined to
 * one word of a state int's chain (its column's words in a chunk, over the band's rows) always
 * changes that int, and any other change escapes only if every int it touches collides
 * (2<sup>-32</sup> each). neatvnc's damage refinery accepts the same kind of risk with a 64-bit
 * XXH3 digest per tile. The chains need no reduction at the end: nothing is lost folding lanes
 * together, and a row is one flat loop that the Vector API compiles well.
 *
 * <p>{@link VectorTileHash} is the implementation, with the Vector API; {@link TileHashes} says
 * whether this JVM has it. Without it {@link TileDiff} compares bytes instead, which the JDK runs
 * vectorised: a scalar hash would be slower than that.
 */
interface TileHash {
    int PRIME_1 = 0x9E37_79B1;

    /** Words in one of this hash's registers: the {@link FoldShape#lanes()} its shapes must have. */
    int lanes();

    /**
     * Folds the words of bytes {@code [at, at + length)} of {@code bytes} (little-endian, a partial
     * last word padded with zeros) into {@code state[offset .. offset + shape.stateInts(length))},
     * as {@code shape} (of this hash's {@link #lanes()}) assigns them.
     */
    void foldRow(ByteBuffer bytes, int at, int length, FoldShape shape, int[] state, int offset);

    /** One word through the round. */
    static int round(int state, int word) {
        return Integer.rotateLeft(state + word, 13) * PRIME_1;
    }

    /** {@link #foldRow} a word at a time: the reference the vector implementation's tests compare with. */
    static void foldScalar(ByteBuffer bytes, int at, int length, FoldShape shape, int[] state, int offset) {
        int lanes = shape.lanes();
        int chunks = shape.wholeChunks(length);
        int i = at;
        for (int chunk = 0; chunk < chunks; chunk++) {
            int s = offset + chunk * lanes;
            for (int word = 0; word < shape.chunkWords(); word++, i += Integer.BYTES) {
                state[s + word % lanes] = round(state[s + word % lanes], Integer.reverseBytes(bytes.getInt(i)));
            }
        }
        foldTail(bytes, i, at + length - i, state, offset + chunks * lanes);
    }

    /** Folds the words of bytes {@code [at, at + length)} into an int each, from {@code state[offset]}. */
    static void foldTail(ByteBuffer bytes, int at, int length, int[] state, int offset) {
        int end = at + length;
        int i = at;
        int s = offset;
        for (; i + Integer.BYTES <= end; i += Integer.BYTES, s++) {
            state[s] = round(state[s], Integer.reverseBytes(bytes.getInt(i)));
        }
        if (i < end) {
            int word = 0;
            for (int shift = 0; i < end; i++, shift += Byte.SIZE) {
                word |= (bytes.get(i) & 0xff) << shift;
            }
            state[s] = round(state[s], word);
        }
    }
}
