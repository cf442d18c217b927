package io.scanout.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.scanout.core.nativeio.DmaBufCpuCopy;
import io.scanout.core.nativeio.LibC;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link DmaBufCpuCopy} on a real dma-buf: one the kernel's {@code udmabuf} driver makes from a
 * sealed memfd, so the {@code DMA_BUF_IOCTL_SYNC} start/end around the copy run for real (a memfd
 * alone answers them with ENOTTY). Skipped, saying why, where {@code /dev/udmabuf} is absent or
 * not writable.
 */
class UdmabufCopyTest {
    private static final Path UDMABUF = Path.of("/dev/udmabuf");
    private static final int MFD_ALLOW_SEALING = 0x2;
    private static final int F_ADD_SEALS = 1033;
    private static final int F_SEAL_SHRINK = 0x2;
    /** {@code _IOW('u', 0x42, struct udmabuf_create)}: u32 memfd, u32 flags, u64 offset, u64 size. */
    private static final long UDMABUF_CREATE = 0x40187542L;
    private static final int UDMABUF_FLAGS_CLOEXEC = 0x1;

    /** fcntl(2), which LibC does not bind: only this test needs it. */
    private static final class Fcntl {
        static {
            Native.register("c");
        }

        static native int fcntl(int fd, int command, int argument) throws com.sun.jna.LastErrorException;
    }

    @Test
    void copiesARealDmaBufWithTheSyncIoctls() {
        Assumptions.assumeTrue(Files.exists(UDMABUF), "no /dev/udmabuf on this machine (modprobe udmabuf; "
                + "CONFIG_UDMABUF): the SYNC path is checked against a real dma-buf only where it exists");
        Assumptions.assumeTrue(Files.isWritable(UDMABUF), "/dev/udmabuf is not writable by this user");
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.XR24, 256, 64);
        long size = (layout.requiredBytes() + 4095) / 4096 * 4096; // udmabuf takes whole pages
        int memfd = LibC.memfd_create("scanout-udmabuf-test", LibC.MFD_CLOEXEC | MFD_ALLOW_SEALING);
        int dmaBufFd = -1;
        try {
            LibC.ftruncate(memfd, size);
            Pointer map = LibC.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, memfd, 0);
            for (long i = 0; i < layout.requiredBytes(); i++) {
                map.setByte(i, (byte) (i * 13));
            }
            LibC.munmap(map, size);
            Fcntl.fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK);
            int device = LibC.open(UDMABUF.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
            try (Memory create = new Memory(24)) {
                create.setInt(0, memfd);
                create.setInt(4, UDMABUF_FLAGS_CLOEXEC);
                create.setLong(8, 0);
                create.setLong(16, size);
                dmaBufFd = LibC.ioctl(device, new NativeLong(UDMABUF_CREATE), create);
            } finally {
                LibC.close(device);
            }
            // A dma-buf answers the sync (a memfd would not): the copy below runs between real syncs.
            assertThat(DmaBufCpuCopy.sync(dmaBufFd, DmaBufCpuCopy.SYNC_START | DmaBufCpuCopy.SYNC_READ)).isTrue();
            assertThat(DmaBufCpuCopy.sync(dmaBufFd, DmaBufCpuCopy.SYNC_END | DmaBufCpuCopy.SYNC_READ)).isTrue();
            try (FramePool pool = new FramePool()) {
                // The frame owns the fd from here and closes it once, on release.
                Frame dmaBuf = Frame.wrap(new DmaBuf(dmaBufFd, size, DmaBuf.MODIFIER_LINEAR, layout));
                dmaBufFd = -1;
                Frame copy = DmaBufCpuCopy.copy(dmaBuf, pool);
                for (int i = 0; i < layout.requiredBytes(); i += 61) {
                    assertThat(copy.buffer().get(i)).isEqualTo((byte) (i * 13));
                }
                copy.release();
                dmaBuf.release();
                assertThat(pool.stats().outstanding()).isZero();
            }
        } finally {
            if (dmaBufFd >= 0) {
                LibC.close(dmaBufFd);
            }
            LibC.close(memfd);
        }
    }
}
