package io.scanout.convert.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TileDiffTest {
    /** The diff under test: by tile digests, as this build's JVM runs it (TileDiffByteComparisonTest: by bytes). */
    TileDiff newDiff(PlaneLayout layout, int tileSize, FramePool pool, ByteViews views) {
        TileHash hash = TileHashes.orNull();
        assertThat(hash).as("the tests run with the Vector API (--add-modules jdk.incubator.vector)").isNotNull();
        return new TileDiff(layout, tileSize, pool, views, hash);
    }

    private final FramePool pool = new FramePool();
    private final ByteViews views = new ByteViews();

    @AfterEach
    void noLeaks() {
        assertThat(pool.stats().outstanding()).as("frames not released").isZero();
        pool.close();
    }

    @Test
    void anUnchangedFrameHasNoDamageAndAChangedPixelDamagesItsTile() {
        Frame a = noise(DrmFormat.XR24, 200, 130, 1);
        Frame b = copyOf(a);
        try (TileDiff diff = newDiff(a.layout(), 64, pool, views)) {
            diff.prime(a);
            assertThat(diff.compare(b)).isZero();

            setByte(b, 0, 130 * 4 + 70 * b.layout().stride(0) + 2, 0x55);
            assertThat(diff.compare(b)).isEqualTo(1);
            assertThat(diff.changed(2, 1)).isTrue();
            assertThat(diff.damage().rectangles()).containsExactly(new Rect(128, 64, 64, 64));

            assertThat(diff.compare(b)).as("the copy now holds the change").isZero();
            assertThat(diff.damage().isEmpty()).isTrue();
        } finally {
            a.release();
            b.release();
        }
    }

    /**
     * Changes shaped as a screen changes — the same bit of the same pixel column over consecutive
     * rows (a glyph's stroke), a word and its neighbour swapped, a whole tile inverted, one bit in
     * the last byte of a ragged edge tile — are each found in exactly their tile, and the kept copy
     * then equals the frame.
     */
    @Test
    void structuredChangesAreFoundInTheirTileAndTheCopyFollows() {
        Frame a = noise(DrmFormat.XR24, 150, 100, 4);
        Frame b = copyOf(a);
        int stride = b.layout().stride(0);
        try (TileDiff diff = newDiff(a.layout(), 32, pool, views)) {
            diff.prime(a);
            for (int y = 40; y < 48; y++) {
                setByte(b, 0, y * stride + 70 * 4 + 3, getByte(b, y * stride + 70 * 4 + 3) ^ 0x80);
            }
            assertChangedOnly(diff, b, 2, 1);
            int at = 10 * stride + 5 * 4;
            long first = b.buffer().getLong(at);
            b.buffer().putLong(at, b.buffer().getLong(at + 8)).putLong(at + 8, first);
            assertChangedOnly(diff, b, 0, 0);
            for (int y = 64; y < 96; y++) {
                for (int x = 96; x < 128; x++) {
                    b.buffer().putInt(y * stride + 4 * x, ~b.buffer().getInt(y * stride + 4 * x));
                }
            }
            assertChangedOnly(diff, b, 3, 2);
            setByte(b, 0, 99 * stride + 149 * 4 + 3, getByte(b, 99 * stride + 149 * 4 + 3) ^ 1);
            assertChangedOnly(diff, b, 4, 3);
            Frame copy = diff.copy(pool);
            try {
                for (int y = 0; y < 100; y++) {
                    for (int x = 0; x < 150 * 4; x++) {
                        assertThat(getByte(copy, y * stride + x)).as("copy at byte %d of row %d", x, y)
                                .isEqualTo(getByte(b, y * stride + x));
                    }
                }
            } finally {
                copy.release();
            }
        } finally {
            a.release();
            b.release();
        }
    }

    /**
     * At every tile size (with the Vector API: every length of hash chain, 16-pixel tiles folding a
     * register per state, 128-pixel ones two chunks of four), one word changed anywhere in any tile,
     * a ragged right and bottom edge included, is found in exactly that tile.
     */
    @ParameterizedTest(name = "{0}-pixel tiles")
    @ValueSource(ints = {16, 32, 64, 128})
    void aWordChangedAnywhereIsFoundInExactlyItsTile(int tileSize) {
        Frame a = noise(DrmFormat.XR24, 1000, 300, 8);
        Frame b = copyOf(a);
        Random random = new Random(tileSize);
        int stride = b.layout().stride(0);
        try (TileDiff diff = newDiff(a.layout(), tileSize, pool, views)) {
            diff.prime(a);
            for (int tileY = 0; tileY < diff.tilesY(); tileY++) {
                for (int tileX = 0; tileX < diff.tilesX(); tileX++) {
                    int x = Math.min(1000 - 1, tileX * tileSize + random.nextInt(tileSize));
                    int y = Math.min(300 - 1, tileY * tileSize + random.nextInt(tileSize));
                    b.buffer().putInt(y * stride + 4 * x, b.buffer().getInt(y * stride + 4 * x) ^ (1 << random.nextInt(32)));
                    assertChangedOnly(diff, b, tileX, tileY);
                }
            }
        } finally {
            a.release();
            b.release();
        }
    }

    private static void assertChangedOnly(TileDiff diff, Frame frame, int tileX, int tileY) {
        assertThat(diff.compare(frame)).as("tiles changed, expecting %d,%d", tileX, tileY).isEqualTo(1);
        assertThat(diff.changed(tileX, tileY)).as("tile %d,%d changed", tileX, tileY).isTrue();
    }

    @Test
    void adjacentTilesMergeIntoRectanglesClippedToThePicture() {
        Frame a = noise(DrmFormat.XR24, 200, 130, 2);
        Frame b = copyOf(a);
        try (TileDiff diff = newDiff(a.layout(), 64, pool, views)) {
            diff.prime(a);
            // A 2x2 block of tiles, one partial corner tile, and a staircase that must not merge.
            for (int[] px : new int[][] {{10, 10}, {70, 5}, {3, 100}, {127, 127}, {199, 129}}) {
                flip(b, px[0], px[1]);
            }
            assertThat(diff.compare(b)).isEqualTo(5);
            assertThat(diff.damage().rectangles())
                    .containsExactlyInAnyOrder(new Rect(0, 0, 128, 128), new Rect(192, 128, 8, 2));

            flip(b, 0, 0);
            flip(b, 64, 64);
            flip(b, 130, 64);
            assertThat(diff.compare(b)).isEqualTo(3);
            assertThat(diff.damage().rectangles())
                    .containsExactlyInAnyOrder(new Rect(0, 0, 64, 64), new Rect(64, 64, 128, 64));
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void rowPaddingIsNeverCompared() {
        PlaneLayout padded = PlaneLayout.of(DrmFormat.XR24, 100, 40, new long[] {256}, new int[] {100 * 4 + 52});
        Frame a = pool.acquire(padded);
        Frame b = pool.acquire(padded);
        try (TileDiff diff = newDiff(padded, 64, pool, views)) {
            fill(a, 7);
            fill(b, 7);
            diff.prime(a);
            for (int y = 0; y < 40; y++) {
                setByte(b, 0, 256 + y * padded.stride(0) + 400 + y % 52, 0x99);
            }
            assertThat(diff.compare(b)).isZero();
            setByte(b, 0, 256 + 39 * padded.stride(0) + 399, 0x99);
            assertThat(diff.compare(b)).isEqualTo(1);
            assertThat(diff.damage().rectangles()).containsExactly(new Rect(64, 0, 36, 40));
        } finally {
            a.release();
            b.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = DrmFormat.class, names = {"NV12", "YU12", "P010", "YUYV", "RG24", "RG16", "XR30"})
    void everyPlaneCountsInEveryFormat(DrmFormat format) {
        Frame a = noise(format, 150, 100, 3);
        Frame b = copyOf(a);
        try (TileDiff diff = newDiff(a.layout(), 32, pool, views)) {
            diff.prime(a);
            assertThat(diff.compare(b)).isZero();
            PlaneLayout l = b.layout();
            int last = l.planeCount() - 1;
            // The last byte of the last row of the last plane: for 4:2:0, chroma under the bottom-right tile.
            long at = l.offset(last) + (long) (l.planeHeight(last) - 1) * l.stride(last) + l.rowBytes(last) - 1;
            setByte(b, 0, (int) at, ~getByte(b, (int) at));
            assertThat(diff.compare(b)).isEqualTo(1);
            assertThat(diff.damage().rectangles()).containsExactly(new Rect(128, 96, 22, 4));
            // The first byte of the picture.
            setByte(b, 0, (int) l.offset(0), ~getByte(b, (int) l.offset(0)));
            assertThat(diff.compare(b)).isEqualTo(1);
            assertThat(diff.damage().rectangles()).containsExactly(new Rect(0, 0, 32, 32));
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void comparingAnUnchangedFrameAllocatesNothing() {
        Frame a = noise(DrmFormat.XR24, 640, 360, 4);
        Frame b = copyOf(a);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (TileDiff diff = newDiff(a.layout(), 64, pool, views)) {
            diff.prime(a);
            for (int i = 0; i < 1000; i++) {
                diff.compare(i % 2 == 0 ? a : b);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            int changed = 0;
            for (int i = 0; i < 1000; i++) {
                changed += diff.compare(i % 2 == 0 ? a : b);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(changed).isZero();
            // Fewer bytes than comparisons: not one object per frame (the JIT may still settle once).
            assertThat(allocated).as("bytes allocated over 1000 comparisons").isLessThan(1000);
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void tileSizesArePowersOfTwoFrom16To256() {
        assertThatThrownBy(() -> TileDiff.checkTileSize(48))
                .hasMessage("tile size must be a power of two from 16 to 256, not 48");
        assertThatThrownBy(() -> TileDiff.checkTileSize(8)).isInstanceOf(IllegalArgumentException.class);
        TileDiff.checkTileSize(16);
        TileDiff.checkTileSize(256);
    }

    @Test
    void wholeDamageFromTheDiffIsNeverWhole() {
        Frame a = noise(DrmFormat.XR24, 64, 64, 5);
        Frame b = noise(DrmFormat.XR24, 64, 64, 6);
        try (TileDiff diff = newDiff(a.layout(), 64, pool, views)) {
            diff.prime(a);
            assertThat(diff.compare(b)).isEqualTo(1);
            Damage d = diff.damage();
            assertThat(d.isWhole()).isFalse();
            assertThat(d.rectangles()).containsExactly(new Rect(0, 0, 64, 64));
        } finally {
            a.release();
            b.release();
        }
    }

    private Frame noise(DrmFormat format, int width, int height, long seed) {
        Frame f = pool.acquire(new VideoFormat(format, width, height));
        ByteBuffer b = f.buffer();
        Random random = new Random(seed);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) random.nextInt());
        }
        return f;
    }

    private Frame copyOf(Frame a) {
        Frame b = pool.acquire(a.layout());
        b.buffer().put(0, a.buffer(), 0, a.buffer().capacity());
        return b;
    }

    private static void fill(Frame f, int value) {
        ByteBuffer b = f.buffer();
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) value);
        }
    }

    private static void flip(Frame f, int x, int y) {
        int at = (int) f.layout().offset(0) + y * f.layout().stride(0) + x * 4;
        setByte(f, 0, at, ~getByte(f, at));
    }

    private static int getByte(Frame f, int at) {
        return f.buffer().get(at);
    }

    private static void setByte(Frame f, int plane, int at, int value) {
        f.buffer().put(at, (byte) value);
    }
}
