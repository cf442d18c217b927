package io.scanout.encode.testing;

/**
 * Grey-level noise around mid grey that changes every frame: content an encoder spends every bit it
 * is given on, so its output size follows its bitrate rather than the content. {@code amplitude}
 * (1..219) is the spread of the levels: 219 is the whole video range, which even the highest QP of
 * some encoders (OpenH264) cannot squeeze under a low bitrate; a few dozen levels can be. Deterministic
 * per (seed, x, y).
 */
public record Noise(int width, int height, long seed, int amplitude) implements RgbImage {
    public Noise {
        if (amplitude < 1 || amplitude > 219) {
            throw new IllegalArgumentException("amplitude " + amplitude + " is outside 1..219");
        }
    }

    /** Noise over the whole video range. */
    public Noise(int width, int height, long seed) {
        this(width, height, seed, 219);
    }

    @Override
    public int rgb(int x, int y) {
        long h = seed * 0x9E3779B97F4A7C15L + (long) y * 0xC2B2AE3D27D4EB4FL + x * 0x165667B19E3779F9L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        int v = 126 - amplitude / 2 + (int) ((h & 0xff) * amplitude / 255);
        return v << 16 | v << 8 | v;
    }
}
