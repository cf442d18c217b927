package io.scanout.core;

/**
 * A display's pixel format and size: what a stage re-initialises on when it changes.
 *
 * @param format the DRM fourcc of the pixels
 * @param width  pixels
 * @param height pixels
 */
public record VideoFormat(DrmFormat format, int width, int height) {
    public VideoFormat {
        if (format == null) {
            throw new IllegalArgumentException("format is required");
        }
        if (width < 1 || height < 1 || width > PlaneLayout.MAX_DIMENSION || height > PlaneLayout.MAX_DIMENSION) {
            throw new InvalidLayoutException("frame size " + width + "x" + height + " is outside 1x1.."
                    + PlaneLayout.MAX_DIMENSION + "x" + PlaneLayout.MAX_DIMENSION);
        }
    }

    /** Parses {@code WIDTHxHEIGHT}, e.g. {@code 1920x1080}. */
    public static int[] parseSize(String size) {
        int x = size.indexOf('x');
        if (x <= 0 || x == size.length() - 1) {
            throw new IllegalArgumentException("a size is WIDTHxHEIGHT, e.g. 1280x720, not '" + size + "'");
        }
        try {
            int w = Integer.parseInt(size.substring(0, x));
            int h = Integer.parseInt(size.substring(x + 1));
            if (w < 1 || h < 1 || w > PlaneLayout.MAX_DIMENSION || h > PlaneLayout.MAX_DIMENSION) {
                throw new IllegalArgumentException("size " + size + " is outside 1x1.."
                        + PlaneLayout.MAX_DIMENSION + "x" + PlaneLayout.MAX_DIMENSION);
            }
            return new int[] {w, h};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a size is WIDTHxHEIGHT, e.g. 1280x720, not '" + size + "'", e);
        }
    }

    @Override
    public String toString() {
        return format + " " + width + "x" + height;
    }
}
