package io.scanout.convert.internal;

import java.nio.ByteBuffer;

/**
 * A running 64-bit-lane hash of the bytes of one tile, folded in row segment by row segment, for
 * {@link TileDiff}: an unchanged frame is then read once, where comparing it with the copy of the
 * previous frame reads twice as much. Each lane takes its words through xxHash64's round
 * ({@code rotl(state + word·P2, 31)·P1}), a bijection of the word for a given state and of the state
 * for a given word; the lanes are folded into one digest by {@code (h ^ lane)·P1}, again a bijection
 * of each lane. So a change confined to one 64-bit word of a tile always changes the digest, and
 * any other change escapes only by a 64-bit collision (as neatvnc's damage refinery, which hashes
 * tiles with XXH3, accepts).
 *
 * <p>{@link VectorTileHash} is the implementation, with the Vector API; {@link TileHashes} says
 * whether this JVM has it. Without it {@link TileDiff} compares bytes instead.
 */
interface TileHash {
    long PRIME_1 = 0x9E37_79B1_85EB_CA87L;
    long PRIME_2 = 0xC2B2_AE3D_27D4_EB4FL;

    /** The longs of running state one tile needs. */
    int stateLongs();

    /**
     * Folds bytes {@code [at, at + length)} of {@code bytes} into the tile state at
     * {@code state[offset .. offset + stateLongs())}. Each tile's segments come in the same order
     * and lengths every frame, so equal bytes give equal states.
     */
    void fold(ByteBuffer bytes, int at, int length, long[] state, int offset);

    /** One word through xxHash64's round. */
    static long round(long state, long word) {
        return Long.rotateLeft(state + word * PRIME_2, 31) * PRIME_1;
    }

    /** The digest of a tile's state: its lanes folded in order. */
    static long digest(long[] state, int offset, int longs) {
        long h = PRIME_2;
        for (int i = 0; i < longs; i++) {
            h = (h ^ state[offset + i]) * PRIME_1;
        }
        return h;
    }
}
