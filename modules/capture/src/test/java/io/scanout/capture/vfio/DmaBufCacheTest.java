package io.scanout.capture.vfio;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import io.scanout.core.nativeio.LibC;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DmaBufCacheTest {
    private static final PlaneLayout LAYOUT = PlaneLayout.packed(DrmFormat.XR24, 16, 16);

    /** Every buffer made, to look at after its frames are released. */
    private final List<DmaBuf> buffers = new ArrayList<>();

    private Frame dmaBufFrame() {
        int fd = LibC.memfd_create("cache-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, 4096);
        DmaBuf buf = new DmaBuf(fd, 4096, DmaBuf.MODIFIER_LINEAR, LAYOUT);
        buffers.add(buf);
        return Frame.wrap(buf);
    }

    @Test
    void keepsTheFiveMostRecentlyUsedAndClosesTheRestWhenNothingElseHoldsThem() {
        List<Frame> frames = new ArrayList<>();
        DmaBuf held2;
        try (DmaBufCache cache = new DmaBufCache()) {
            for (int id = 1; id <= 5; id++) {
                Frame f = dmaBufFrame();
                frames.add(f);
                cache.put(id, LAYOUT, 0, f);
            }
            assertThat(cache.get(1, LAYOUT, 0)).isSameAs(frames.get(0));   // 1 becomes the most recent
            Frame held = cache.get(2, LAYOUT, 0).retain();                  // an event still holds id 2
            held2 = held.dmaBuf();
            cache.get(1, LAYOUT, 0);

            cache.put(6, LAYOUT, 0, dmaBufFrame());   // evicts 3, the least recent
            cache.put(7, LAYOUT, 0, dmaBufFrame());   // evicts 4

            assertThat(cache.size()).isEqualTo(5);
            assertThat(buffers.get(2).isClosed()).isTrue();
            assertThat(buffers.get(3).isClosed()).isTrue();
            assertThat(cache.get(3, LAYOUT, 0)).isNull();
            cache.put(8, LAYOUT, 0, dmaBufFrame());   // evicts 5
            cache.put(9, LAYOUT, 0, dmaBufFrame());   // evicts 2, which the event still holds open
            assertThat(cache.get(2, LAYOUT, 0)).isNull();
            assertThat(held2.isClosed()).isFalse();
            held.release();
            assertThat(held2.isClosed()).isTrue();
            assertThat(buffers.get(0).isClosed()).isFalse();
        }
        assertThat(buffers).allMatch(DmaBuf::isClosed);   // closing the cache released the rest
    }

    @Test
    void anIdReportedWithAnotherLayoutIsDroppedNotReused() {
        try (DmaBufCache cache = new DmaBufCache()) {
            cache.put(1, LAYOUT, 0, dmaBufFrame());
            assertThat(cache.get(1, PlaneLayout.packed(DrmFormat.XR24, 16, 8), 0)).isNull();
            assertThat(buffers.get(0).isClosed()).isTrue();
            assertThat(cache.size()).isZero();
            cache.put(2, LAYOUT, 0, dmaBufFrame());
            assertThat(cache.get(2, LAYOUT, 7)).isNull();   // another modifier is another buffer too
            assertThat(buffers.get(1).isClosed()).isTrue();
        }
    }
}
