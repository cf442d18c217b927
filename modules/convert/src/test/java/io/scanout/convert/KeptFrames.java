package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's frame pool, registered with {@code @RegisterExtension}: the frames a test {@link #keep}s
 * are released after it, and then no frame of the pool may be outstanding — every path under test
 * gave back what it took.
 */
final class KeptFrames implements AfterEachCallback {
    private final FramePool pool = new FramePool();
    private final List<Frame> kept = new ArrayList<>();

    FramePool pool() {
        return pool;
    }

    /** {@code frame}, released after the test. */
    Frame keep(Frame frame) {
        kept.add(frame);
        return frame;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        kept.forEach(Frame::release);
        kept.clear();
        assertThat(pool.stats().outstanding()).as("frames not released").isZero();
        pool.close();
    }
}
