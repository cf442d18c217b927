package io.scanout.capture.vfio;

import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dma-bufs of the most recent {@value #KEEP} {@code dmabuf_id}s, as QEMU keeps them
 * ({@code hw/vfio/display.c}): an unchanged plane then costs one {@code QUERY_GFX_PLANE} and no
 * {@code GET_GFX_DMABUF}, and a guest flipping between a few buffers reuses their fds.
 *
 * <p>Each entry holds one reference to a dma-buf {@link Frame}; events get their own references
 * ({@link Frame#retain()}), so an evicted dma-buf's fd is closed when the last event holding it is
 * released, and never before. Confined to the poller's thread.
 */
final class DmaBufCache implements AutoCloseable {
    static final int KEEP = 5;

    private final Map<Integer, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    private record Entry(PlaneLayout layout, long modifier, Frame frame) {
    }

    /**
     * The cached frame of this id, made most recent; {@code null} when absent, or when the id now
     * reports another layout (its stale entry is dropped then).
     */
    Frame get(int dmabufId, PlaneLayout layout, long modifier) {
        Entry entry = entries.get(dmabufId);
        if (entry == null) {
            return null;
        }
        if (!entry.layout.equals(layout) || entry.modifier != modifier) {
            entries.remove(dmabufId);
            entry.frame.release();
            return null;
        }
        return entry.frame;
    }

    /** Caches a frame (taking its reference) as most recent, releasing the least recent past {@value #KEEP}. */
    void put(int dmabufId, PlaneLayout layout, long modifier, Frame frame) {
        Entry old = entries.put(dmabufId, new Entry(layout, modifier, frame));
        if (old != null) {
            old.frame.release();
        }
        Iterator<Entry> eldest = entries.values().iterator();
        while (entries.size() > KEEP) {
            Entry evicted = eldest.next();
            eldest.remove();
            evicted.frame.release();
        }
    }

    int size() {
        return entries.size();
    }

    /** Releases every cached reference. */
    @Override
    public void close() {
        entries.values().forEach(e -> e.frame.release());
        entries.clear();
    }
}
