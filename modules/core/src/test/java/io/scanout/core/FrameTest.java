package io.scanout.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.nativeio.LibC;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FrameTest {
    @Test
    void memoryIsFreedWithTheLastReference() {
        try (FramePool pool = new FramePool(0)) {
            Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, 16, 16));
            Frame second = frame.retain();
            assertThat(frame.release()).isTrue();
            assertThat(frame.release()).as("release is idempotent per reference").isFalse();
            assertThat(pool.stats().freed()).isZero();
            second.buffer().putInt(0, 42);
            assertThat(second.release()).isTrue();
            assertThat(pool.stats().freed()).isEqualTo(1);
            assertThat(pool.stats().outstanding()).isZero();
            assertThatThrownBy(frame::buffer).hasMessageContaining("used after release");
            assertThatThrownBy(frame::retain).hasMessageContaining("cannot retain a freed frame");
        }
    }

    @Test
    void thePoolReusesBlocksOfTheSameFormatAndSize() {
        try (FramePool pool = new FramePool(2)) {
            VideoFormat format = new VideoFormat(DrmFormat.NV12, 64, 32);
            Frame a = pool.acquire(format);
            long address = a.memory().address();
            a.release();
            Frame b = pool.acquire(format);
            assertThat(b.memory().address()).isEqualTo(address);
            Frame other = pool.acquire(new VideoFormat(DrmFormat.NV12, 64, 34));
            assertThat(pool.stats().allocated()).isEqualTo(2);
            b.release();
            other.release();
            assertThat(pool.stats().outstanding()).isZero();
        }
    }

    @Test
    void aLayoutOutsideItsMemoryFreesTheMemoryAndNamesTheNumbers() {
        AtomicInteger frees = new AtomicInteger();
        FrameMemory small = new FrameMemory() {
            @Override
            public long address() {
                return 0;
            }

            @Override
            public long size() {
                return 100;
            }

            @Override
            public java.nio.ByteBuffer buffer() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void free() {
                frees.incrementAndGet();
            }
        };
        assertThatThrownBy(() -> Frame.wrap(small, PlaneLayout.packed(DrmFormat.XR24, 8, 8)))
                .isInstanceOf(InvalidLayoutException.class).hasMessageContaining("past the buffer's 100 B");
        assertThat(frees).hasValue(1);
    }

    @Test
    void aDmaBufFrameClosesItsFdOnceWithTheLastReference() {
        // A memfd stands in for a dma-buf: both are fds to shareable memory.
        int fd = LibC.memfd_create("scanout-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, 4096);
        DmaBuf buf = new DmaBuf(fd, 4096, DmaBuf.MODIFIER_LINEAR, PlaneLayout.packed(DrmFormat.XR24, 16, 16));
        Frame frame = Frame.wrap(buf);
        Frame other = frame.retain();
        frame.release();
        assertThat(buf.isClosed()).isFalse();
        other.release();
        other.release();
        assertThat(buf.isClosed()).isTrue();
        assertThatThrownBy(buf::fd).hasMessageContaining("used after close");
        assertThatThrownBy(() -> new DmaBuf(fd, 100, 0, PlaneLayout.packed(DrmFormat.XR24, 16, 16)))
                .isInstanceOf(InvalidLayoutException.class);
    }

    @Test
    void damageUnionsAndCollapsesLongLists() {
        Damage a = Damage.of(new Rect(0, 0, 10, 10));
        Damage b = Damage.of(new Rect(20, 20, 5, 5), new Rect(1, 1, 0, 4));
        assertThat(a.union(b).rectangles()).containsExactly(new Rect(0, 0, 10, 10), new Rect(20, 20, 5, 5));
        assertThat(a.union(Damage.whole()).isWhole()).isTrue();
        assertThat(Damage.of(new Rect(3, 3, 0, 0)).isEmpty()).isTrue();
        java.util.List<Rect> many = new java.util.ArrayList<>();
        for (int i = 0; i < Damage.MAX_RECTANGLES + 1; i++) {
            many.add(new Rect(i, 0, 1, 1));
        }
        assertThat(Damage.of(many).rectangles()).containsExactly(new Rect(0, 0, Damage.MAX_RECTANGLES + 1, 1));
    }
}
