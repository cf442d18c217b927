package io.scanout.capture.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SyntheticPatternTest {
    private static final int[] SMPTE_75 = {0xbfbfbf, 0xbfbf00, 0x00bfbf, 0x00bf00, 0xbf00bf, 0xbf0000, 0x0000bf};

    private final FramePool pool = new FramePool();

    @AfterEach
    void noLeaks() {
        assertThat(pool.stats().outstanding()).isZero();
        pool.close();
    }

    @ParameterizedTest
    @EnumSource(value = DrmFormat.class, names = {"XR24", "AR24", "XB24", "AB24", "RG24", "BG24", "RG16", "XR30", "AR30"})
    void drawsTheBarsBoxAndCounterInEachFormat(DrmFormat format) {
        SyntheticPattern pattern = new SyntheticPattern(320, 180);
        Frame frame = pool.acquire(new VideoFormat(format, 320, 180));
        try {
            pattern.render(42, frame);

            for (int i = 0; i < SyntheticPattern.BAR_COUNT; i++) {
                assertThat(pattern.barColorRgb(i)).isEqualTo(SMPTE_75[i]);
                Rect bar = pattern.barRect(i);
                int[] want = Pixels.expected(format, SMPTE_75[i]);
                for (int[] p : corners(bar)) {
                    assertThat(Pixels.rgb(Pixels.read(frame, p[0], p[1])))
                            .as("%s bar %d at %d,%d", format, i, p[0], p[1]).containsExactly(want);
                }
            }
            Rect box = pattern.boxRect(42);
            int[] white = Pixels.expected(format, 0xffffff);
            for (int[] p : corners(box)) {
                assertThat(Pixels.rgb(Pixels.read(frame, p[0], p[1]))).as("box").containsExactly(white);
            }
            // Left of the box, in its lane, is background.
            int laneX = box.x() > 0 ? 0 : box.right();
            assertThat(Pixels.rgb(Pixels.read(frame, laneX, box.y())))
                    .containsExactly(Pixels.expected(format, SyntheticPattern.BACKGROUND_RGB));
            // The counter's top-left corner is its (black) margin; some pixel in it is a lit digit.
            Rect counter = pattern.counterRect();
            assertThat(Pixels.rgb(Pixels.read(frame, counter.x(), counter.y()))).containsExactly(0, 0, 0);
            assertThat(countColour(frame, counter, white)).isPositive();

            if (format.hasAlpha()) {
                int opaque = format.bitsPerComponent() == 10 ? 3 : 0xff;
                assertThat(Pixels.read(frame, 0, 0)[3]).as("alpha").isEqualTo(opaque);
            }
        } finally {
            frame.release();
        }
    }

    @Test
    void writesInsideTheLayoutAndLeavesPaddingAlone() {
        SyntheticPattern pattern = new SyntheticPattern(37, 23);
        int row = 37 * 3;
        PlaneLayout layout = PlaneLayout.of(DrmFormat.RG24, 37, 23, new long[] {100}, new int[] {row + 29});
        Frame frame = pool.acquire(layout);
        try {
            ByteBuffer bytes = frame.buffer();
            for (int i = 0; i < bytes.capacity(); i++) {
                bytes.put(i, (byte) 0xa5);
            }
            pattern.render(7, frame);

            for (int i = 0; i < 100; i++) {
                assertThat(bytes.get(i)).as("byte %d before the plane", i).isEqualTo((byte) 0xa5);
            }
            for (int y = 0; y < 23; y++) {
                for (int i = row; i < row + 29; i++) {
                    assertThat(bytes.get(100 + y * (row + 29) + i)).as("padding of row %d", y).isEqualTo((byte) 0xa5);
                }
            }
            assertThat(Pixels.rgb(Pixels.read(frame, 36, 0))).containsExactly(Pixels.expected(DrmFormat.RG24, SMPTE_75[6]));
            assertThat(Pixels.rgb(Pixels.read(frame, 0, 0))).containsExactly(Pixels.expected(DrmFormat.RG24, SMPTE_75[0]));
        } finally {
            frame.release();
        }
    }

    @Test
    void isAPureFunctionOfTheIndex() {
        SyntheticPattern pattern = new SyntheticPattern(200, 120);
        VideoFormat format = new VideoFormat(DrmFormat.XR24, 200, 120);
        Frame a = pool.acquire(format);
        Frame b = pool.acquire(format);
        Frame c = pool.acquire(format);
        try {
            pattern.render(1234, a);
            pattern.render(99, b);      // leave other content behind in b...
            pattern.render(1234, b);    // ...which a full re-render must replace
            new SyntheticPattern(200, 120).render(1234, c);

            assertThat(differences(a, b)).isEmpty();
            assertThat(differences(a, c)).isEmpty();
        } finally {
            a.release();
            b.release();
            c.release();
        }
    }

    @Test
    void movingPartsNeverCoverTheBarsAndStayInTheFrame() {
        for (int[] size : new int[][] {{16, 16}, {17, 31}, {320, 180}, {1280, 720}, {1920, 1080}, {7680, 4320}}) {
            SyntheticPattern pattern = new SyntheticPattern(size[0], size[1]);
            Rect counter = pattern.counterRect();
            assertThat(counter.fitsIn(size[0], size[1])).isTrue();
            assertThat(counter.isEmpty()).isFalse();
            for (long i = 0; i < 3 * size[0]; i += 7) {
                Rect box = pattern.boxRect(i);
                assertThat(box.fitsIn(size[0], size[1])).as("box %s in %dx%d", box, size[0], size[1]).isTrue();
                assertThat(overlaps(box, counter)).isFalse();
                for (int bar = 0; bar < SyntheticPattern.BAR_COUNT; bar++) {
                    assertThat(overlaps(box, pattern.barRect(bar))).isFalse();
                    assertThat(overlaps(counter, pattern.barRect(bar))).isFalse();
                }
            }
            int covered = 0;
            for (int bar = 0; bar < SyntheticPattern.BAR_COUNT; bar++) {
                covered += pattern.barRect(bar).width();
                assertThat(pattern.barRect(bar).height()).isGreaterThanOrEqualTo(size[1] * 2 / 3 - 1);
            }
            assertThat(covered).isEqualTo(size[0]);
        }
    }

    @Test
    void theBoxMovesAndTheCounterCounts() {
        SyntheticPattern pattern = new SyntheticPattern(1280, 720);
        assertThat(pattern.boxRect(1).x()).isGreaterThan(pattern.boxRect(0).x());
        assertThat(pattern.counterValue(12_345_678_901L)).isEqualTo(2_345_678_901L);
        assertThatThrownBy(() -> pattern.boxRect(-1)).hasMessage("frame index -1 is negative");
        assertThatThrownBy(() -> pattern.barRect(7)).hasMessage("bar index 7 is outside 0..6");
        assertThatThrownBy(() -> new SyntheticPattern(15, 100)).hasMessage("a synthetic pattern is 16x16..16384x16384, not 15x100");
    }

    @Test
    void damageIsExactBetweenAnyTwoFrames() {
        SyntheticPattern pattern = new SyntheticPattern(160, 90);
        VideoFormat format = new VideoFormat(DrmFormat.XR24, 160, 90);
        long period = 2L * (160 - pattern.boxRect(0).width());   // speed is 1 px/frame at this width
        long[][] pairs = {{0, 1}, {5, 6}, {10, 12}, {3, 40}, {100, 101}, {7, 7 + period}, {1000, 1000}, {0, 9_999_999_999L}};
        for (long[] pair : pairs) {
            Frame before = pool.acquire(format);
            Frame after = pool.acquire(format);
            try {
                pattern.render(pair[0], before);
                pattern.render(pair[1], after);
                Damage damage = pattern.damage(pair[0], pair[1]);
                assertExact(damage, differences(before, after), String.format("%d -> %d", pair[0], pair[1]));
            } finally {
                before.release();
                after.release();
            }
        }
        assertThat(pattern.damage(7, 7 + period).rectangles()).containsExactly(pattern.counterRect());
        assertThat(pattern.damage(1000, 1000).isEmpty()).isTrue();
        assertThat(pattern.damage(-1, 5).isWhole()).isTrue();
    }

    /** Every changed pixel is inside the damage, and every damage rectangle holds a changed pixel. */
    static void assertExact(Damage damage, List<int[]> changed, String what) {
        assertThat(damage.isWhole()).as(what).isFalse();
        for (int[] p : changed) {
            assertThat(damage.rectangles().stream().anyMatch(r -> contains(r, p[0], p[1])))
                    .as("%s: pixel %d,%d changed outside %s", what, p[0], p[1], damage).isTrue();
        }
        for (Rect r : damage.rectangles()) {
            assertThat(changed.stream().anyMatch(p -> contains(r, p[0], p[1])))
                    .as("%s: nothing changed in %s", what, r).isTrue();
        }
    }

    /** Pixels whose values differ between two frames of one size and format. */
    static List<int[]> differences(Frame a, Frame b) {
        List<int[]> out = new ArrayList<>();
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                if (!Arrays.equals(Pixels.read(a, x, y), Pixels.read(b, x, y))) {
                    out.add(new int[] {x, y});
                }
            }
        }
        return out;
    }

    private static int countColour(Frame frame, Rect r, int[] rgb) {
        int n = 0;
        for (int y = r.y(); y < r.bottom(); y++) {
            for (int x = r.x(); x < r.right(); x++) {
                if (Arrays.equals(Pixels.rgb(Pixels.read(frame, x, y)), rgb)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int[][] corners(Rect r) {
        return new int[][] {{r.x(), r.y()}, {r.right() - 1, r.y()}, {r.x(), r.bottom() - 1}, {r.right() - 1, r.bottom() - 1}};
    }

    private static boolean contains(Rect r, int x, int y) {
        return x >= r.x() && x < r.right() && y >= r.y() && y < r.bottom();
    }

    private static boolean overlaps(Rect a, Rect b) {
        return a.x() < b.right() && b.x() < a.right() && a.y() < b.bottom() && b.y() < a.bottom();
    }
}
