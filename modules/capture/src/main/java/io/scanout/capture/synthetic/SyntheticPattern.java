package io.scanout.capture.synthetic;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The synthetic display's picture, a pure function of the frame index, so a test anywhere can
 * re-render the image a source sent with a given sequence number.
 *
 * <p>Top two thirds: {@value #BAR_COUNT} static vertical colour bars at 75% (white, yellow, cyan,
 * green, magenta, red, blue, {@link #barColorRgb}). Below, on a dark grey background
 * ({@link #BACKGROUND_RGB}): a white box ({@link #BOX_RGB}) bouncing horizontally
 * ({@link #boxRect}), and under it a fixed black box ({@link #counterRect}) where the frame
 * index, modulo 10^{@value #COUNTER_DIGITS}, is written in white 5x7 digits scaled with the frame.
 * Nothing that moves ever covers a bar.
 *
 * <p>Pixels are written in the kernel's byte order for the frame's {@link DrmFormat} (see its
 * Javadoc); 5-, 6- and 10-bit components are {@code round(v × (2^bits − 1) / 255)} of the 8-bit
 * colour; padding bits and alpha are all ones.
 *
 * <p>Thread-safe: {@link #render} may be called from several threads at once, on different frames.
 */
public final class SyntheticPattern {
    public static final int BAR_COUNT = 7;
    /** Digits of the frame counter. */
    public static final int COUNTER_DIGITS = 10;
    /** The background below the bars, 0xRRGGBB. */
    public static final int BACKGROUND_RGB = 0x202020;
    /** The moving box, 0xRRGGBB. */
    public static final int BOX_RGB = 0xffffff;
    /** Behind the counter's digits, 0xRRGGBB. */
    public static final int COUNTER_BACKGROUND_RGB = 0x000000;
    /** The counter's digits, 0xRRGGBB. */
    public static final int COUNTER_DIGIT_RGB = 0xffffff;

    private static final int[] BAR_COLORS = {0xbfbfbf, 0xbfbf00, 0x00bfbf, 0x00bf00, 0xbf00bf, 0xbf0000, 0x0000bf};
    private static final long COUNTER_MODULUS = 10_000_000_000L;

    private final int width;
    private final int height;
    private final int barsBottom;
    private final int boxSide;
    private final int boxY;
    private final int travel;
    private final int speed;
    private final int digitScale;
    private final int textX;
    private final int textY;
    private final Rect counterRect;
    private final Map<DrmFormat, Rows> rowsByFormat = new ConcurrentHashMap<>();

    /**
     * @throws IllegalArgumentException for a size under 16x16 or over {@link PlaneLayout#MAX_DIMENSION}
     */
    public SyntheticPattern(int width, int height) {
        if (width < SyntheticSettings.MIN_WIDTH || height < SyntheticSettings.MIN_HEIGHT
                || width > PlaneLayout.MAX_DIMENSION || height > PlaneLayout.MAX_DIMENSION) {
            throw new IllegalArgumentException("a synthetic pattern is " + SyntheticSettings.MIN_WIDTH + "x"
                    + SyntheticSettings.MIN_HEIGHT + ".." + PlaneLayout.MAX_DIMENSION + "x" + PlaneLayout.MAX_DIMENSION
                    + ", not " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        barsBottom = height * 2 / 3;
        int lower = height - barsBottom;
        int laneHeight = lower / 2;
        boxSide = Math.max(1, laneHeight * 3 / 4);
        boxY = barsBottom + (laneHeight - boxSide) / 2;
        travel = width - boxSide;
        speed = Math.max(1, width / 160);

        int counterTop = barsBottom + laneHeight;
        int counterArea = height - counterTop;
        int cell = DigitFont.WIDTH + 1;
        digitScale = Math.max(1, Math.min(counterArea * 3 / 4 / DigitFont.HEIGHT, width * 3 / 4 / (COUNTER_DIGITS * cell)));
        int boxWidth = (COUNTER_DIGITS * cell + 1) * digitScale;
        int boxHeight = (DigitFont.HEIGHT + 2) * digitScale;
        int x = Math.floorDiv(width - boxWidth, 2);
        int y = counterTop + Math.floorDiv(counterArea - boxHeight, 2);
        textX = x + digitScale;
        textY = y + digitScale;
        // On a tiny frame the counter does not fit: it is clipped to its area, never drawn over the box's lane.
        int left = Math.max(0, x);
        int top = Math.max(counterTop, y);
        counterRect = new Rect(left, top, Math.min(width, x + boxWidth) - left, Math.min(height, y + boxHeight) - top);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The colour of bar {@code 0..6}, 0xRRGGBB: white, yellow, cyan, green, magenta, red, blue at 75%. */
    public int barColorRgb(int barIndex) {
        checkBar(barIndex);
        return BAR_COLORS[barIndex];
    }

    /** Where bar {@code 0..6} lies; nothing ever moves over it. */
    public Rect barRect(int barIndex) {
        checkBar(barIndex);
        int left = barIndex * width / BAR_COUNT;
        int right = (barIndex + 1) * width / BAR_COUNT;
        return new Rect(left, 0, right - left, barsBottom);
    }

    private static void checkBar(int barIndex) {
        if (barIndex < 0 || barIndex >= BAR_COUNT) {
            throw new IllegalArgumentException("bar index " + barIndex + " is outside 0.." + (BAR_COUNT - 1));
        }
    }

    /** The fixed box the frame counter is drawn in. */
    public Rect counterRect() {
        return counterRect;
    }

    /** Where the moving box is in frame {@code frameIndex}. */
    public Rect boxRect(long frameIndex) {
        checkIndex(frameIndex);
        return new Rect(boxX(frameIndex), boxY, boxSide, boxSide);
    }

    private int boxX(long frameIndex) {
        if (travel == 0) {
            return 0;
        }
        long period = 2L * travel;
        // (i × speed) mod p == ((i mod p) × speed) mod p, and the latter cannot overflow.
        int p = (int) ((frameIndex % period) * speed % period);
        return p <= travel ? p : (int) (period - p);
    }

    /** What the counter shows for a frame: the index modulo 10^{@value #COUNTER_DIGITS}. */
    public long counterValue(long frameIndex) {
        checkIndex(frameIndex);
        return frameIndex % COUNTER_MODULUS;
    }

    private static void checkIndex(long frameIndex) {
        if (frameIndex < 0) {
            throw new IllegalArgumentException("frame index " + frameIndex + " is negative");
        }
    }

    /**
     * What differs between frames {@code previousIndex} and {@code index}: the box where it was and
     * where it is (when it moved) and the counter (when its value changed). Exact whatever lies
     * between, so a consumer that skipped frames gets the damage relative to the last one it saw.
     * {@code previousIndex < 0} means there was no previous frame: the whole frame.
     */
    public Damage damage(long previousIndex, long index) {
        checkIndex(index);
        if (previousIndex < 0) {
            return Damage.whole();
        }
        List<Rect> rects = new ArrayList<>(3);
        Rect before = boxRect(previousIndex);
        Rect now = boxRect(index);
        if (!before.equals(now)) {
            rects.add(before);
            rects.add(now);
        }
        if (counterValue(previousIndex) != counterValue(index)) {
            rects.add(counterRect);
        }
        return Damage.of(rects);
    }

    /**
     * Draws frame {@code frameIndex} into {@code target}, whole: a pooled frame's previous content
     * is unknown. Writes only the pixels of each row, so the padding up to the stride is untouched.
     * Runs on the caller's thread; does not block.
     *
     * @param target a CPU frame of this pattern's size in an RGB format, still held by the caller
     * @throws IllegalArgumentException for a frame of another size, a non-RGB format or a dma-buf frame
     */
    public void render(long frameIndex, Frame target) {
        checkIndex(frameIndex);
        if (target.width() != width || target.height() != height) {
            throw new IllegalArgumentException("pattern is " + width + "x" + height + ", the frame "
                    + target.width() + "x" + target.height());
        }
        if (!target.format().isRgb()) {
            throw new IllegalArgumentException("the synthetic pattern draws RGB formats, not " + target.format());
        }
        if (target.isDmaBuf()) {
            throw new IllegalArgumentException("the synthetic pattern draws into CPU frames, not a dma-buf");
        }
        Rows rows = rowsByFormat.computeIfAbsent(target.format(), this::rowsFor);
        ByteBuffer buffer = target.buffer();
        PlaneLayout layout = target.layout();
        int base = Math.toIntExact(layout.offset(0));
        int stride = layout.stride(0);
        int bpp = rows.bytesPerPixel;

        for (int y = 0; y < barsBottom; y++) {
            buffer.put(base + y * stride, rows.bars);
        }
        for (int y = barsBottom; y < height; y++) {
            buffer.put(base + y * stride, rows.background);
        }
        Rect box = boxRect(frameIndex);
        for (int y = box.y(); y < box.bottom(); y++) {
            buffer.put(base + y * stride + box.x() * bpp, rows.box);
        }
        drawCounter(frameIndex, rows, buffer, base, stride);
    }

    private void drawCounter(long frameIndex, Rows rows, ByteBuffer buffer, int base, int stride) {
        if (counterRect.isEmpty()) {
            return;
        }
        int bpp = rows.bytesPerPixel;
        byte[][] glyphRows = new byte[DigitFont.HEIGHT][];
        long value = counterValue(frameIndex);
        for (int gy = 0; gy < DigitFont.HEIGHT; gy++) {
            glyphRows[gy] = glyphRow(value, gy, rows);
        }
        int offsetX = counterRect.x() * bpp;
        for (int y = counterRect.y(); y < counterRect.bottom(); y++) {
            int ty = y - textY;
            byte[] row = ty >= 0 && ty < DigitFont.HEIGHT * digitScale ? glyphRows[ty / digitScale] : rows.counter;
            buffer.put(base + y * stride + offsetX, row);
        }
    }

    /** One row of the counter box, as wide as {@link #counterRect}, for glyph row {@code gy}. */
    private byte[] glyphRow(long value, int gy, Rows rows) {
        byte[] row = rows.counter.clone();
        int cell = (DigitFont.WIDTH + 1) * digitScale;
        for (int d = 0; d < COUNTER_DIGITS; d++) {
            int digit = (int) (value / pow10(COUNTER_DIGITS - 1 - d) % 10);
            for (int gx = 0; gx < DigitFont.WIDTH; gx++) {
                if (!DigitFont.lit(digit, gx, gy)) {
                    continue;
                }
                int from = Math.max(textX + d * cell + gx * digitScale, counterRect.x());
                int to = Math.min(textX + d * cell + (gx + 1) * digitScale, counterRect.right());
                if (to > from) {
                    RgbPixels.fill(row, from - counterRect.x(), to - from, rows.digit);
                }
            }
        }
        return row;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    private Rows rowsFor(DrmFormat format) {
        byte[] background = RgbPixels.pack(format, BACKGROUND_RGB);
        byte[] bars = new byte[width * background.length];
        for (int i = 0; i < BAR_COUNT; i++) {
            Rect bar = barRect(i);
            RgbPixels.fill(bars, bar.x(), bar.width(), RgbPixels.pack(format, BAR_COLORS[i]));
        }
        return new Rows(background.length, bars, RgbPixels.row(background, width),
                RgbPixels.row(RgbPixels.pack(format, BOX_RGB), boxSide),
                RgbPixels.row(RgbPixels.pack(format, COUNTER_BACKGROUND_RGB), counterRect.width()),
                RgbPixels.pack(format, COUNTER_DIGIT_RGB));
    }

    /** Pre-packed rows of one format, built once: rendering is then bulk copies. */
    private static final class Rows {
        final int bytesPerPixel;
        final byte[] bars;
        final byte[] background;
        final byte[] box;
        final byte[] counter;
        final byte[] digit;

        Rows(int bytesPerPixel, byte[] bars, byte[] background, byte[] box, byte[] counter, byte[] digit) {
            this.bytesPerPixel = bytesPerPixel;
            this.bars = bars;
            this.background = background;
            this.box = box;
            this.counter = counter;
            this.digit = digit;
        }
    }
}
