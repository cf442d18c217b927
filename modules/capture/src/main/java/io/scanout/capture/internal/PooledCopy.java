package io.scanout.capture.internal;

import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;

/** Copies of pixels a source lends (a mapping it will write again) into frames of the pool. */
public final class PooledCopy {
    private PooledCopy() {
    }

    /**
     * A frame of {@code layout} from {@code pool}, holding {@code bytes} bytes of {@code from} read at
     * {@code at}; the caller owns it. If the copy fails the frame is released and the failure
     * thrown. Blocks only for the copy.
     */
    public static Frame copy(FramePool pool, PlaneLayout layout, ByteBuffer from, int at, int bytes) {
        Frame frame = pool.acquire(layout);
        try {
            frame.buffer().put(0, from, at, bytes);
        } catch (RuntimeException | Error e) {
            frame.release();
            throw e;
        }
        return frame;
    }
}
