package io.scanout.convert.internal;

import io.scanout.core.Damage;
import io.scanout.core.Rect;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries damage from input pixels to output pixels through a crop, an even-size padding and a
 * resize, so an encoder that uses damage (x264 ROI, VAAPI) is told about every output pixel that
 * may differ — never fewer. Stateless.
 */
public final class DamageMapping {
    private DamageMapping() {
    }

    /**
     * The damage of an output frame made from {@code region} of the input.
     *
     * @param damage       the input's damage, in input pixels
     * @param region       the part of the input converted (the crop, or the whole input)
     * @param outputWidth  the output's width
     * @param outputHeight the output's height
     * @param reach        input pixels either side of a changed one that an output pixel may read
     *                     when the size changes (the filter's half-width)
     */
    public static Damage map(Damage damage, Rect region, int outputWidth, int outputHeight, int reach) {
        if (damage.isWhole() || damage.isEmpty()) {
            return damage;
        }
        boolean unscaled = outputWidth == EdgePadding.even(region.width())
                && outputHeight == EdgePadding.even(region.height());
        if (unscaled && region.x() == 0 && region.y() == 0 && outputWidth == region.width()
                && outputHeight == region.height()) {
            // The picture is the input, untouched in size: damage already fits as it is.
            boolean inside = true;
            for (Rect r : damage.rectangles()) {
                inside &= r.fitsIn(outputWidth, outputHeight);
            }
            if (inside) {
                return damage;
            }
        }
        List<Rect> out = new ArrayList<>(damage.rectangles().size());
        double sx = (double) outputWidth / region.width();
        double sy = (double) outputHeight / region.height();
        for (Rect r : damage.rectangles()) {
            int left = Math.max(r.x(), region.x()) - region.x();
            int top = Math.max(r.y(), region.y()) - region.y();
            int right = Math.min(r.right(), region.right()) - region.x();
            int bottom = Math.min(r.bottom(), region.bottom()) - region.y();
            if (right <= left || bottom <= top) {
                continue;
            }
            if (unscaled) {
                // An odd picture's repeated last column and row change with the edge they repeat.
                right = right == region.width() ? outputWidth : right;
                bottom = bottom == region.height() ? outputHeight : bottom;
            } else {
                left = clamp((int) Math.floor((left - reach) * sx), outputWidth);
                top = clamp((int) Math.floor((top - reach) * sy), outputHeight);
                right = clamp((int) Math.ceil((right + reach) * sx), outputWidth);
                bottom = clamp((int) Math.ceil((bottom + reach) * sy), outputHeight);
            }
            out.add(new Rect(left, top, right - left, bottom - top));
        }
        return Damage.of(out);
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
