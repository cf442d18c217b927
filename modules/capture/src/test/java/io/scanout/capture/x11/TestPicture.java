package io.scanout.capture.x11;

import java.util.SplittableRandom;

/**
 * A still picture with something for every encoding: flat areas (RRE, solid tiles), few-colour
 * noise (palettes), gradients (raw tiles), thin lines (Hextile sub-rectangles). Fixed seed.
 */
public final class TestPicture {
    private TestPicture() {
    }

    public static XwdImage make(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] palette = new int[7];
        for (int i = 0; i < palette.length; i++) {
            palette[i] = random.nextInt(1 << 24);
        }
        int[] rgb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p;
                if (y < height / 3) {
                    p = (x * 255 / width) << 16 | (y * 255 / height) << 8 | ((x + y) & 0xff);
                } else if (y < 2 * height / 3) {
                    p = x < width / 2 ? palette[random.nextInt(x % 40 < 20 ? 2 : palette.length)] : 0x2040a0;
                } else {
                    p = (x % 13 == 0 || y % 11 == 0) ? 0xfafafa : 0x103010 + (x / 32) * 0x100010;
                }
                rgb[y * width + x] = p;
            }
        }
        return new XwdImage(width, height, rgb);
    }
}
