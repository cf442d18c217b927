package io.scanout.capture.region;

import static io.scanout.capture.region.RegionTesting.assertPattern;
import static io.scanout.capture.region.RegionTesting.awaitPollersGone;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import io.scanout.capture.vfio.GfxDevice;
import io.scanout.capture.vfio.GfxPlane;
import io.scanout.capture.vfio.GfxRegionInfo;
import io.scanout.capture.vfio.MappedRegion;
import io.scanout.capture.vfio.PlaneKind;
import io.scanout.capture.vfio.VfioException;
import io.scanout.capture.vfio.internal.VfioAbi;
import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.core.nativeio.LibC;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * The region protocol over a VFIO device region ({@code region:DEVICE?vfio-region=N}): a device
 * whose region 3 is the producer's file, mapped through the device as a real one would be.
 */
class VfioRegionProtocolTest {
    private static final VideoFormat FORMAT = new VideoFormat(DrmFormat.XR24, 320, 180);
    private static final String DEVICE = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";

    @TempDir
    Path dir;

    /** A device with one protocol region, backed by a file; counts its closes. */
    private static final class FileBackedDevice implements GfxDevice {
        final int fd;
        final long size;
        final int flags;
        final AtomicInteger closes = new AtomicInteger();

        FileBackedDevice(Path file, long size, int flags) {
            this.fd = LibC.open(file.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
            this.size = size;
            this.flags = flags;
        }

        @Override
        public String name() {
            return "file-backed";
        }

        @Override
        public boolean supports(PlaneKind kind) {
            return false;
        }

        @Override
        public GfxPlane queryPlane(PlaneKind kind, int drmPlaneType) {
            throw new VfioException("no display", new LastErrorException(22));
        }

        @Override
        public int dmaBufFd(int dmabufId) {
            throw new VfioException("no display", new LastErrorException(22));
        }

        @Override
        public int regionCount() {
            return 4;
        }

        @Override
        public GfxRegionInfo regionInfo(int index) {
            return index == 3 ? new GfxRegionInfo(3, flags, size, 0) : new GfxRegionInfo(index, 0, 0, 0);
        }

        @Override
        public void readRegion(GfxRegionInfo region, long offset, byte[] into) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void writeRegion(GfxRegionInfo region, long offset, byte[] from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedRegion mapRegion(GfxRegionInfo region, boolean writable) {
            return MappedRegion.map(fd, region.offset(), region.size(), writable, "region 3 of file-backed");
        }

        @Override
        public void close() {
            if (closes.incrementAndGet() == 1) {
                LibC.close(fd);
            }
        }
    }

    @Test
    void theProtocolRunsOverAMappedDeviceRegion() {
        long regionBytes = RegionProducer.regionBytesFor(1 << 20);
        int rwMmap = VfioAbi.VFIO_REGION_INFO_FLAG_READ | VfioAbi.VFIO_REGION_INFO_FLAG_WRITE
                | VfioAbi.VFIO_REGION_INFO_FLAG_MMAP;
        try (FramePool pool = new FramePool(); FramePool expected = new FramePool();
             RegionProducer producer = RegionProducer.start(dir.resolve("bar"), FORMAT, 60, regionBytes)) {
            producer.hold(12);
            FileBackedDevice device = new FileBackedDevice(dir.resolve("bar"), regionBytes, rwMmap);
            RegionSettings settings = new RegionSettings(DEVICE, 120, 2000, 3);
            assertThat(settings.name()).isEqualTo("region 3 of " + DEVICE);
            StepVerifier.create(RegionSource.open(settings, () -> device, pool, StreamMeters.noop()).frames().take(2))
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(FORMAT);
                        assertPattern(e.frame(), 12, expected);
                        e.release();
                    })
                    .assertNext(e -> {
                        assertPattern(e.frame(), 12, expected);
                        e.release();
                    })
                    .verifyComplete();
            awaitPollersGone();
            assertThat(device.closes.get()).isEqualTo(1);

            // A region that cannot be written (the consumer writes the state) is refused, and the device closed.
            FileBackedDevice readOnly = new FileBackedDevice(dir.resolve("bar"), regionBytes,
                    VfioAbi.VFIO_REGION_INFO_FLAG_READ | VfioAbi.VFIO_REGION_INFO_FLAG_MMAP);
            StepVerifier.create(RegionSource.open(settings, () -> readOnly, pool, StreamMeters.noop()).frames())
                    .expectErrorMessage("region 3 of file-backed cannot hold the region protocol: it must be readable,"
                            + " writable and mappable, and its flags are 0x5")
                    .verify(Duration.ofSeconds(20));
            awaitPollersGone();
            assertThat(readOnly.closes.get()).isEqualTo(1);
        }
    }
}
