package io.scanout.convert.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TileHashTest {
    private final TileHash hash = TileHashes.orNull();
    private final Random random = new Random(7);

    @ParameterizedTest(name = "chains of {0}")
    @ValueSource(ints = {1, 2, 4})
    void theVectorRoundsMatchTheScalarReferenceAtEveryLengthAndAlignment(int chain) {
        assertThat(hash).as("the tests run with the Vector API (--add-modules jdk.incubator.vector)").isNotNull();
        FoldShape shape = new FoldShape(hash.lanes(), chain);
        ByteBuffer bytes = randomBytes(4096);
        for (int length : new int[] {0, 1, 3, 4, 5, 63, 64, 65, 127, 255, 256, 257, 511, 512, 1000, 4000}) {
            for (int at : new int[] {0, 1, 3, 17}) {
                int[] seed = random.ints(shape.stateInts(length) + 2).toArray();
                int[] vector = seed.clone();
                int[] scalar = seed.clone();
                hash.foldRow(bytes, at, length, shape, vector, 1);
                TileHash.foldScalar(bytes, at, length, shape, scalar, 1);
                assertThat(vector).as("length %d at %d", length, at).containsExactly(scalar);
                assertThat(vector[0]).as("nothing before the row's state is touched").isEqualTo(seed[0]);
                assertThat(vector[vector.length - 1]).as("nothing after it").isEqualTo(seed[seed.length - 1]);
            }
        }
    }

    @ParameterizedTest(name = "chains of {0}")
    @ValueSource(ints = {1, 2, 4})
    void aChangeConfinedToOneWordOfAChainIsAlwaysFound(int chain) {
        FoldShape shape = new FoldShape(hash.lanes(), chain);
        int rows = 64;
        int rowBytes = 4 * shape.chunkWords() * Integer.BYTES + 12;
        ByteBuffer picture = randomBytes(rows * rowBytes);
        int[] before = stateOf(picture, rows, rowBytes, shape);
        for (int trial = 0; trial < 2000; trial++) {
            ByteBuffer changed = copy(picture);
            int word = random.nextInt(rows * rowBytes / Integer.BYTES) * Integer.BYTES;
            int delta = random.nextInt(4) == 0 ? 1 << random.nextInt(32) : random.nextInt();
            changed.putInt(word, changed.getInt(word) ^ (delta == 0 ? 1 : delta));
            int folded = shape.stateIndex(word % rowBytes / Integer.BYTES, rowBytes);
            int[] after = stateOf(changed, rows, rowBytes, shape);
            assertThat(after[folded]).as("trial %d: word at %d", trial, word).isNotEqualTo(before[folded]);
            after[folded] = before[folded];
            assertThat(after).as("the other state ints keep their hash").containsExactly(before);
        }
    }

    /** Flipping the same bit in two words of a chain must not cancel out, whichever bit (the top one included). */
    @ParameterizedTest(name = "chains of {0}")
    @ValueSource(ints = {1, 4})
    void theSameBitFlippedInTwoWordsOfAChainIsFound(int chain) {
        FoldShape shape = new FoldShape(hash.lanes(), chain);
        int rows = 64;
        int rowBytes = shape.chunkWords() * Integer.BYTES;
        ByteBuffer picture = randomBytes(rows * rowBytes);
        int[] before = stateOf(picture, rows, rowBytes, shape);
        int first = 5 * Integer.BYTES;
        int[] seconds = {
            first + rowBytes, first + 2 * rowBytes, first + 13 * rowBytes, first + 63 * rowBytes,
            first + (chain - 1) * shape.lanes() * Integer.BYTES, // the same row, the chain's last register
        };
        for (int bit = 0; bit < 32; bit++) {
            for (int second : seconds) {
                if (second == first) {
                    continue; // chains of one have no second register
                }
                ByteBuffer changed = copy(picture);
                changed.putInt(first, changed.getInt(first) ^ (1 << bit));
                changed.putInt(second, changed.getInt(second) ^ (1 << bit));
                assertThat(stateOf(changed, rows, rowBytes, shape)[5]).as("bit %d, bytes %d and %d", bit, first, second)
                        .isNotEqualTo(before[5]);
            }
        }
    }

    @Test
    void tilesGetTheLongestChainWhoseChunksStayInsideThem() {
        assertThat(FoldShape.forTiles(16, 64).chain()).as("a 64-pixel XR24 tile, 16 lanes").isEqualTo(4);
        assertThat(FoldShape.forTiles(16, 32).chain()).as("a 32-pixel one").isEqualTo(2);
        assertThat(FoldShape.forTiles(16, 16).chain()).as("a 64-pixel NV12 luma tile").isEqualTo(1);
        assertThat(FoldShape.forTiles(16, 4).chain()).as("a 16-pixel NV12 chroma tile").isEqualTo(1);
        assertThat(FoldShape.forTiles(8, 256).chain()).as("AVX2, 256-pixel tile").isEqualTo(4);
        assertThatThrownBy(() -> new FoldShape(16, 8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTilesWordsFoldIntoItsOwnSliceOfState() {
        FoldShape shape = new FoldShape(4, 4);
        long rowBytes = 3 * 64 + 20; // three tiles of 16 words, then a tail of five
        assertThat(shape.stateInts(rowBytes)).isEqualTo(3 * 4 + 5);
        assertThat(shape.stateIndex(0, rowBytes)).isZero();
        assertThat(shape.stateIndex(5, rowBytes)).as("lane 1 of the chunk's second register").isEqualTo(1);
        assertThat(shape.stateIndex(16, rowBytes)).as("the second chunk").isEqualTo(4);
        assertThat(shape.stateIndex(48, rowBytes)).as("the tail").isEqualTo(12);
        assertThat(shape.stateIndex(52, rowBytes)).as("the tail's last word").isEqualTo(16);
        assertThat(shape.stateIndex(53, rowBytes)).as("the row's end").isEqualTo(17);
        assertThat(new FoldShape(16, 1).stateIndex(37, 1000)).as("no chains: word i into int i").isEqualTo(37);
    }

    private int[] stateOf(ByteBuffer picture, int rows, int rowBytes, FoldShape shape) {
        int[] state = new int[shape.stateInts(rowBytes)];
        for (int row = 0; row < rows; row++) {
            hash.foldRow(picture, row * rowBytes, rowBytes, shape, state, 0);
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
