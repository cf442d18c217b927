package io.scanout.encode.testing;

/** An RGB picture to compare: a decoded frame, or the pattern a test drew. */
public interface RgbImage {
    int width();

    int height();

    /** The pixel at (x, y) as {@code 0xRRGGBB}. */
    int rgb(int x, int y);
}
