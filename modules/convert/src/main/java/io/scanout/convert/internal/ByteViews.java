package io.scanout.convert.internal;

import io.scanout.core.Frame;
import io.scanout.core.FrameMemory;
import java.nio.ByteBuffer;

/**
 * {@link ByteBuffer} views of frame memory, kept for the few blocks a stream cycles through, so
 * reading a frame does not make a new view object per frame. A view is looked up by the
 * memory's address and size, and only used while the frame holding that memory is held: a block
 * freed and allocated again at the same place is the same bytes. Callers may move a view's
 * position and limit; each view belongs to one thread (the owner of this cache).
 */
public final class ByteViews {
    private static final int SLOTS = 8;

    private final long[] addresses = new long[SLOTS];
    private final long[] sizes = new long[SLOTS];
    private final ByteBuffer[] views = new ByteBuffer[SLOTS];
    private int next;

    /** A view of the whole of a CPU frame's memory, position 0 and limit its size when new. */
    public ByteBuffer of(Frame frame) {
        FrameMemory memory = frame.memory();
        long address = memory.address();
        long size = memory.size();
        for (int i = 0; i < SLOTS; i++) {
            if (views[i] != null && addresses[i] == address && sizes[i] == size) {
                return views[i].clear();
            }
        }
        ByteBuffer view = memory.buffer();
        int slot = next;
        next = (next + 1) % SLOTS;
        addresses[slot] = address;
        sizes[slot] = size;
        views[slot] = view;
        return view;
    }

    /** Forgets every view (their memory may be gone). */
    public void clear() {
        for (int i = 0; i < SLOTS; i++) {
            views[i] = null;
        }
    }
}
