package io.scanout.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Pointer;
import io.scanout.core.nativeio.DmaBufCpuCopy;
import io.scanout.core.nativeio.LibC;
import org.junit.jupiter.api.Test;

/** A memfd stands in for a dma-buf: both are fds to shareable memory (a memfd has no sync ioctl). */
class DmaBufCpuCopyTest {
    @Test
    void copiesEveryPlaneOfALinearBuffer() {
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.NV12, 64, 32, 64);
        int fd = LibC.memfd_create("scanout-dmabuf-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        Pointer map = LibC.mmap(null, layout.requiredBytes(), LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        for (long i = 0; i < layout.requiredBytes(); i++) {
            map.setByte(i, (byte) (i * 7));
        }
        LibC.munmap(map, layout.requiredBytes());
        try (FramePool pool = new FramePool()) {
            Frame dmaBuf = Frame.wrap(new DmaBuf(fd, layout.requiredBytes(), DmaBuf.MODIFIER_LINEAR, layout));
            Frame copy = DmaBufCpuCopy.copy(dmaBuf, pool);
            assertThat(copy.isDmaBuf()).isFalse();
            assertThat(copy.layout()).isEqualTo(layout);
            for (int i = 0; i < layout.requiredBytes(); i += 97) {
                assertThat(copy.buffer().get(i)).isEqualTo((byte) (i * 7));
            }
            copy.release();
            dmaBuf.release();
            assertThat(pool.stats().outstanding()).isZero();
        }
    }

    @Test
    void refusesTiledBuffersAndCpuFrames() {
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.XR24, 16, 16);
        int fd = LibC.memfd_create("scanout-dmabuf-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        try (FramePool pool = new FramePool()) {
            Frame tiled = Frame.wrap(new DmaBuf(fd, layout.requiredBytes(), 0x0100000000000001L, layout));
            assertThatThrownBy(() -> DmaBufCpuCopy.copy(tiled, pool)).hasMessageContaining("is not linear");
            tiled.release();
            Frame cpu = pool.acquire(layout);
            assertThatThrownBy(() -> DmaBufCpuCopy.copy(cpu, pool)).hasMessageStartingWith("not a dma-buf frame");
            cpu.release();
            assertThat(pool.stats().outstanding()).isZero();
        }
    }
}
