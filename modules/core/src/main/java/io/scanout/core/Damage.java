package io.scanout.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What changed since the previous frame: a list of rectangles, or the whole frame when the
 * source does not know. Empty rectangles mean nothing changed. Immutable.
 */
public final class Damage {
    private static final Damage WHOLE = new Damage(null);
    private static final Damage NONE = new Damage(List.of());
    /** Past this many rectangles, a list costs more to carry than it saves: it becomes their bounding box. */
    public static final int MAX_RECTANGLES = 256;

    private final List<Rect> rectangles;

    private Damage(List<Rect> rectangles) {
        this.rectangles = rectangles;
    }

    /** Everything may have changed. */
    public static Damage whole() {
        return WHOLE;
    }

    /** Nothing changed. */
    public static Damage none() {
        return NONE;
    }

    /** These rectangles changed (empty ones are dropped). */
    public static Damage of(List<Rect> rectangles) {
        List<Rect> kept = new ArrayList<>(Math.min(rectangles.size(), MAX_RECTANGLES));
        Rect bounds = new Rect(0, 0, 0, 0);
        for (Rect r : rectangles) {
            if (!r.isEmpty()) {
                kept.add(r);
                bounds = bounds.union(r);
            }
        }
        if (kept.isEmpty()) {
            return NONE;
        }
        return new Damage(kept.size() > MAX_RECTANGLES ? List.of(bounds) : Collections.unmodifiableList(kept));
    }

    public static Damage of(Rect... rectangles) {
        return of(List.of(rectangles));
    }

    public boolean isWhole() {
        return rectangles == null;
    }

    public boolean isEmpty() {
        return rectangles != null && rectangles.isEmpty();
    }

    /** The changed rectangles; not to be called on {@link #whole()}. */
    public List<Rect> rectangles() {
        if (rectangles == null) {
            throw new IllegalStateException("whole-frame damage has no rectangle list; check isWhole()");
        }
        return rectangles;
    }

    /** What changed in either: what a consumer that skipped the frame in between must redraw. */
    public Damage union(Damage other) {
        if (isWhole() || other.isWhole()) {
            return WHOLE;
        }
        List<Rect> both = new ArrayList<>(rectangles);
        both.addAll(other.rectangles);
        return of(both);
    }

    /** Changed pixels, counting overlaps twice; the whole frame for {@link #whole()}. */
    public long area(int width, int height) {
        if (isWhole()) {
            return (long) width * height;
        }
        long sum = 0;
        for (Rect r : rectangles) {
            sum += r.area();
        }
        return sum;
    }

    @Override
    public String toString() {
        return isWhole() ? "Damage[whole]" : "Damage" + rectangles;
    }
}
