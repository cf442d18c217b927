package io.scanout.capture.synthetic;

/** A 5x7 bitmap font of the ten digits: the frame counter's glyphs. */
final class DigitFont {
    static final int WIDTH = 5;
    static final int HEIGHT = 7;

    /** Per digit, seven rows of five bits, the leftmost pixel in bit 4. */
    private static final int[][] GLYPHS = {
        {0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110},
        {0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110},
        {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111},
        {0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110},
        {0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010},
        {0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110},
        {0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110},
        {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000},
        {0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110},
        {0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100},
    };

    private DigitFont() {
    }

    /** Whether column {@code x} (0..4) of row {@code y} (0..6) of a digit is lit. */
    static boolean lit(int digit, int x, int y) {
        return (GLYPHS[digit][y] >>> (WIDTH - 1 - x) & 1) != 0;
    }
}
