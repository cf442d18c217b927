package io.scanout.encode.testing;

import io.scanout.core.Rect;

/** Peak signal-to-noise ratio of 8-bit RGB pictures, over R, G and B together. */
public final class Psnr {
    private Psnr() {
    }

    /** PSNR in dB of {@code actual} against {@code expected} over the whole picture; infinite when equal. */
    public static double of(RgbImage expected, RgbImage actual) {
        if (expected.width() != actual.width() || expected.height() != actual.height()) {
            throw new IllegalArgumentException("pictures differ in size: expected " + expected.width() + "x"
                    + expected.height() + ", got " + actual.width() + "x" + actual.height());
        }
        return of(expected, actual, new Rect(0, 0, expected.width(), expected.height()));
    }

    /** PSNR in dB of {@code actual} against {@code expected} over {@code region}; infinite when equal. */
    public static double of(RgbImage expected, RgbImage actual, Rect region) {
        if (region.isEmpty() || !region.fitsIn(expected.width(), expected.height())
                || !region.fitsIn(actual.width(), actual.height())) {
            throw new IllegalArgumentException("region " + region + " is empty or outside " + expected.width() + "x"
                    + expected.height() + " or " + actual.width() + "x" + actual.height());
        }
        long squares = 0;
        for (int y = region.y(); y < region.bottom(); y++) {
            for (int x = region.x(); x < region.right(); x++) {
                int a = expected.rgb(x, y);
                int b = actual.rgb(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = (a >> shift & 0xff) - (b >> shift & 0xff);
                    squares += (long) d * d;
                }
            }
        }
        if (squares == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double mse = squares / (3.0 * region.area());
        return 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
