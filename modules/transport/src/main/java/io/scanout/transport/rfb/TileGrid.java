package io.scanout.transport.rfb;

import io.scanout.core.Damage;
import io.scanout.core.Rect;
import java.util.ArrayList;
import java.util.List;

/**
 * Damage rounded out to 64×64 tiles (ZRLE's own tile size), then merged into rectangles — one per
 * run of damaged tiles in a tile row — so overlapping damage is sent once and a client gets a
 * handful of rectangles, not hundreds.
 */
final class TileGrid {
    static final int TILE = 64;

    private TileGrid() {
    }

    /** The rectangles to send for {@code damage} inside {@code area} of a {@code width × height} picture. */
    static List<Rect> rectangles(Damage damage, Rect area, int width, int height) {
        Rect clip = intersect(area, new Rect(0, 0, width, height));
        List<Rect> out = new ArrayList<>();
        if (clip.isEmpty() || damage.isEmpty()) {
            return out;
        }
        if (damage.isWhole()) {
            out.add(clip);
            return out;
        }
        int columns = (width + TILE - 1) / TILE;
        int rows = (height + TILE - 1) / TILE;
        boolean[] marked = new boolean[columns * rows];
        for (Rect r : damage.rectangles()) {
            Rect d = intersect(r, clip);
            if (d.isEmpty()) {
                continue;
            }
            for (int ty = d.y() / TILE; ty <= (d.bottom() - 1) / TILE; ty++) {
                for (int tx = d.x() / TILE; tx <= (d.right() - 1) / TILE; tx++) {
                    marked[ty * columns + tx] = true;
                }
            }
        }
        for (int ty = 0; ty < rows; ty++) {
            int tx = 0;
            while (tx < columns) {
                if (!marked[ty * columns + tx]) {
                    tx++;
                    continue;
                }
                int start = tx;
                while (tx < columns && marked[ty * columns + tx]) {
                    tx++;
                }
                Rect run = intersect(new Rect(start * TILE, ty * TILE, (tx - start) * TILE, TILE), clip);
                if (!run.isEmpty()) {
                    out.add(run);
                }
            }
        }
        return out;
    }

    static Rect intersect(Rect a, Rect b) {
        int left = Math.max(a.x(), b.x());
        int top = Math.max(a.y(), b.y());
        int right = Math.min(a.right(), b.right());
        int bottom = Math.min(a.bottom(), b.bottom());
        return right <= left || bottom <= top ? new Rect(0, 0, 0, 0) : new Rect(left, top, right - left, bottom - top);
    }
}
