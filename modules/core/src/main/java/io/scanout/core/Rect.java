package io.scanout.core;

/**
 * A rectangle of pixels: top-left corner and size.
 */
public record Rect(int x, int y, int width, int height) {
    public Rect {
        if (x < 0 || y < 0 || width < 0 || height < 0) {
            throw new IllegalArgumentException("invalid rectangle " + x + "," + y + " " + width + "x" + height);
        }
    }

    public boolean isEmpty() {
        return width == 0 || height == 0;
    }

    public int right() {
        return x + width;
    }

    public int bottom() {
        return y + height;
    }

    public long area() {
        return (long) width * height;
    }

    /** Whether this lies wholly inside a {@code width × height} image. */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return (long) x + width <= imageWidth && (long) y + height <= imageHeight;
    }

    /** The smallest rectangle holding both. */
    public Rect union(Rect o) {
        if (isEmpty()) {
            return o;
        }
        if (o.isEmpty()) {
            return this;
        }
        int left = Math.min(x, o.x);
        int top = Math.min(y, o.y);
        return new Rect(left, top, Math.max(right(), o.right()) - left, Math.max(bottom(), o.bottom()) - top);
    }

    @Override
    public String toString() {
        return x + "," + y + " " + width + "x" + height;
    }
}
