package io.scanout.capture.vfio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.capture.testing.Memfd;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.nativeio.LibC;
import org.junit.jupiter.api.Test;

class DmaBufReaderTest {
    @Test
    void copiesALinearBufferWithItsLayout() {
        PlaneLayout layout = PlaneLayout.of(DrmFormat.XB24, 100, 60, new long[] {0}, new int[] {448});
        try (FramePool pool = new FramePool(); Memfd memfd = new Memfd("reader-test", 448 * 60)) {
            Frame drawn = memfd.frame(layout);
            new SyntheticPattern(100, 60).render(77, drawn);
            drawn.release();
            Frame dma = Frame.wrap(new DmaBuf(LibC.dup(memfd.fd), memfd.size, DmaBuf.MODIFIER_LINEAR, layout));
            Frame copy = DmaBufReader.copy(dma, pool);
            try {
                assertThat(copy.isDmaBuf()).isFalse();
                assertThat(copy.layout()).isEqualTo(layout);
                VfioTesting.assertPattern(copy, 77, pool);
            } finally {
                copy.release();
                dma.release();
            }
            assertThat(dma.isReleased()).isTrue();
            assertThat(pool.stats().outstanding()).isZero();
        }
    }

    @Test
    void refusesWhatTheCpuCannotRead() {
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.XR24, 16, 16);
        try (FramePool pool = new FramePool(); Memfd memfd = new Memfd("reader-test", 4096)) {
            Frame cpu = pool.acquire(layout);
            assertThatThrownBy(() -> DmaBufReader.copy(cpu, pool)).hasMessageStartingWith("not a dma-buf frame: Frame[XR24 16x16");
            cpu.release();
            Frame tiled = Frame.wrap(new DmaBuf(LibC.dup(memfd.fd), 4096, 0x0100000000000001L, layout));
            assertThatThrownBy(() -> DmaBufReader.copy(tiled, pool))
                    .hasMessageEndingWith("is not linear (modifier 0x100000000000001); the CPU reads linear dma-bufs only");
            tiled.release();
            assertThat(pool.stats().outstanding()).isZero();
        }
    }

    @Test
    void aMemfdHasNoSyncIoctlAndThatIsNotAnError() {
        try (Memfd memfd = new Memfd("reader-test", 4096)) {
            assertThat(DmaBufReader.sync(memfd.fd, 1)).isFalse();
        }
    }
}
