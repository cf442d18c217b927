package io.scanout.encode.testing;

/** One picture out of {@link H264Decoder}, as packed RGB24 on the heap (test code only). */
public final class DecodedPicture implements RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb24;
    private final long pts;
    private final boolean corrupt;

    DecodedPicture(int width, int height, byte[] rgb24, long pts, boolean corrupt) {
        this.width = width;
        this.height = height;
        this.rgb24 = rgb24;
        this.pts = pts;
        this.corrupt = corrupt;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int rgb(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new IndexOutOfBoundsException("pixel " + x + "," + y + " outside " + width + "x" + height);
        }
        int i = (y * width + x) * 3;
        return (rgb24[i] & 0xff) << 16 | (rgb24[i + 1] & 0xff) << 8 | rgb24[i + 2] & 0xff;
    }

    /** The packet's pts as the decoder returned it. */
    public long pts() {
        return pts;
    }

    /** Whether the decoder flagged errors in it (missing references, damaged slices). */
    public boolean corrupt() {
        return corrupt;
    }

    @Override
    public String toString() {
        return "DecodedPicture[" + width + "x" + height + ", pts " + pts + (corrupt ? ", corrupt" : "") + "]";
    }
}
