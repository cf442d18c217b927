package io.scanout.convert.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TileHashTest {
    private final TileHash hash = TileHashes.orNull();
    private final Random random = new Random(7);

    @Test
    void theVectorRoundsMatchTheScalarReferenceAtEveryLengthAndAlignment() {
        assertThat(hash).as("the tests run with the Vector API (--add-modules jdk.incubator.vector)").isNotNull();
        ByteBuffer bytes = randomBytes(4096);
        for (int length : new int[] {0, 1, 3, 4, 5, 63, 64, 65, 127, 255, 256, 257, 1000, 4000}) {
            for (int at : new int[] {0, 1, 3, 17}) {
                int[] seed = random.ints(TileHash.stateInts(length) + 2).toArray();
                int[] vector = seed.clone();
                int[] scalar = seed.clone();
                hash.foldRow(bytes, at, length, vector, 1);
                TileHash.foldScalar(bytes, at, length, scalar, 1);
                assertThat(vector).as("length %d at %d", length, at).containsExactly(scalar);
                assertThat(vector[0]).as("nothing before the row's state is touched").isEqualTo(seed[0]);
                assertThat(vector[vector.length - 1]).as("nothing after it").isEqualTo(seed[seed.length - 1]);
            }
        }
    }

    @Test
    void aChangeConfinedToOneWordOfAColumnIsAlwaysFound() {
        int rows = 64;
        int rowBytes = 256;
        ByteBuffer picture = randomBytes(rows * rowBytes);
        int[] before = columnHashes(picture, rows, rowBytes);
        for (int trial = 0; trial < 2000; trial++) {
            ByteBuffer changed = copy(picture);
            int word = random.nextInt(rows * rowBytes / Integer.BYTES) * Integer.BYTES;
            int delta = random.nextInt(4) == 0 ? 1 << random.nextInt(32) : random.nextInt();
            changed.putInt(word, changed.getInt(word) ^ (delta == 0 ? 1 : delta));
            int column = word % rowBytes / Integer.BYTES;
            int[] after = columnHashes(changed, rows, rowBytes);
            assertThat(after[column]).as("trial %d: word at %d", trial, word).isNotEqualTo(before[column]);
            after[column] = before[column];
            assertThat(after).as("other columns keep their hash").containsExactly(before);
        }
    }

    /** Flipping the same bit in two rows of a column must not cancel out, whichever bit (the top one included). */
    @Test
    void theSameBitFlippedInTwoRowsOfAColumnIsFound() {
        int rows = 64;
        int rowBytes = 64;
        ByteBuffer picture = randomBytes(rows * rowBytes);
        int[] before = columnHashes(picture, rows, rowBytes);
        for (int bit = 0; bit < 32; bit++) {
            for (int gap : new int[] {1, 2, 13, 32, 63}) {
                ByteBuffer changed = copy(picture);
                int first = 5 * Integer.BYTES;
                int second = first + gap * rowBytes;
                changed.putInt(first, changed.getInt(first) ^ (1 << bit));
                changed.putInt(second, changed.getInt(second) ^ (1 << bit));
                assertThat(columnHashes(changed, rows, rowBytes)[5]).as("bit %d, rows 0 and %d", bit, gap)
                        .isNotEqualTo(before[5]);
            }
        }
    }

    private int[] columnHashes(ByteBuffer picture, int rows, int rowBytes) {
        int[] state = new int[TileHash.stateInts(rowBytes)];
        for (int row = 0; row < rows; row++) {
            hash.foldRow(picture, row * rowBytes, rowBytes, state, 0);
        }
        return state;
    }

    private ByteBuffer randomBytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return ByteBuffer.allocateDirect(length).put(b).clear();
    }

    private static ByteBuffer copy(ByteBuffer source) {
        return ByteBuffer.allocateDirect(source.capacity()).put(0, source, 0, source.capacity());
    }
}
