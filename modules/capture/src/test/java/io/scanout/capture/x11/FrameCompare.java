package io.scanout.capture.x11;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.Rect;

/** Pixel-by-pixel comparisons of captured XR24 frames with a reference and with each other. */
public final class FrameCompare {
    private FrameCompare() {
    }

    /** A pixel of an XR24 frame, {@code 0xRRGGBB}. */
    public static int rgb(Frame frame, int x, int y) {
        if (frame.format() != DrmFormat.XR24) {
            throw new IllegalArgumentException("compare reads XR24 frames, not " + frame.format());
        }
        return frame.buffer().getInt(y * frame.layout().stride(0) + x * 4) & 0xffffff;
    }

    /** Null when the frame shows exactly the image, else where and how they first differ and how many pixels do. */
    public static String differences(Frame frame, XwdImage image) {
        if (frame.width() != image.width() || frame.height() != image.height()) {
            return "frame is " + frame.width() + "x" + frame.height() + ", image " + image.width() + "x" + image.height();
        }
        long count = 0;
        String first = null;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int a = rgb(frame, x, y);
                int b = image.rgb(x, y);
                if (a != b) {
                    count++;
                    if (first == null) {
                        first = String.format("pixel %d,%d is %06x in the frame, %06x in the image", x, y, a, b);
                    }
                }
            }
        }
        return count == 0 ? null : count + " pixels differ; first " + first;
    }

    /** Null when every pixel that differs between two frames lies inside the later one's damage. */
    public static String undamagedChanges(Frame before, Frame after, Damage damage) {
        if (damage.isWhole()) {
            return null;
        }
        for (int y = 0; y < after.height(); y++) {
            for (int x = 0; x < after.width(); x++) {
                if (rgb(before, x, y) != rgb(after, x, y) && !inside(damage, x, y)) {
                    return String.format("pixel %d,%d changed (%06x -> %06x) outside the damage %s", x, y,
                            rgb(before, x, y), rgb(after, x, y), damage);
                }
            }
        }
        return null;
    }

    private static boolean inside(Damage damage, int x, int y) {
        for (Rect r : damage.rectangles()) {
            if (x >= r.x() && x < r.right() && y >= r.y() && y < r.bottom()) {
                return true;
            }
        }
        return false;
    }
}
