package io.scanout.capture.region;

import static io.scanout.capture.region.RegionTesting.await;
import static io.scanout.capture.region.RegionTesting.mappingsOf;
import static io.scanout.capture.testing.CaptureTesting.openFds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionProducerTest {
    @TempDir
    Path dir;

    @Test
    void createsSizesAndOnCloseUnmapsAndDeletesTheRegion() throws Exception {
        Path path = dir.resolve("fb");
        // A first run loads the classes and libc, whose jars and libraries stay open.
        RegionProducer.start(dir.resolve("warm-up"), new VideoFormat(DrmFormat.XR24, 64, 64), 60).close();
        long fdsBefore = openFds();
        RegionProducer producer = RegionProducer.start(path, new VideoFormat(DrmFormat.XR24, 1280, 720), 60);
        assertThat(Files.size(path)).isEqualTo(producer.regionBytes())
                .isEqualTo(RegionProducer.regionBytesFor(RegionProducer.DEFAULT_FRAMEBUFFER_BYTES));
        assertThat(producer.regionBytes() % 4096).isZero();
        assertThat(mappingsOf(path)).isEqualTo(1);
        assertThat(producer.answered()).isZero();   // nobody asked

        producer.close();
        producer.close();
        assertThat(Files.exists(path)).isFalse();
        await(() -> openFds() <= fdsBefore, () -> "producer left an fd open: " + CaptureTesting.fdTargets());
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("scanout-region-producer")
                && t.isAlive());
    }

    @Test
    void aFrameLargerThanTheDefaultGetsARegionThatHoldsIt() {
        VideoFormat big = new VideoFormat(DrmFormat.XR24, 7680, 4320);
        try (RegionProducer producer = RegionProducer.start(dir.resolve("big"), big, 30)) {
            assertThat(producer.regionBytes() - 28).isGreaterThanOrEqualTo(7680L * 4320 * 4);
        }
    }

    @Test
    void refusesWhatItCannotDraw() {
        Path path = dir.resolve("fb");
        long small = RegionProducer.regionBytesFor(64 * 64 * 4);
        assertThatThrownBy(() -> RegionProducer.start(path, new VideoFormat(DrmFormat.NV12, 64, 64), 60, small))
                .hasMessage("the region producer draws one-plane RGB formats, not NV12");
        assertThatThrownBy(() -> RegionProducer.start(path, new VideoFormat(DrmFormat.XR24, 8, 8), 60, small))
                .hasMessage("a synthetic pattern is 16x16..16384x16384, not 8x8");
        assertThatThrownBy(() -> RegionProducer.start(path, new VideoFormat(DrmFormat.XR24, 64, 64), 0, small))
                .hasMessage("frame rate 0 is outside 1..240");
        assertThatThrownBy(() -> RegionProducer.start(path, new VideoFormat(DrmFormat.XR24, 64, 64), 60, 4098))
                .hasMessage("region size 4098 B must be a multiple of 4 in 28..2147483644");
        try (RegionProducer producer = RegionProducer.start(path, new VideoFormat(DrmFormat.XR24, 64, 64), 60, small)) {
            assertThatThrownBy(() -> producer.setFormat(new VideoFormat(DrmFormat.XR24, 128, 64)))
                    .hasMessage("XR24 128x64 offsets [0] strides [512] needs 32768 B, and the region's framebuffer"
                            + " area holds " + (small - 28) + " B");
            assertThat(producer.format()).isEqualTo(new VideoFormat(DrmFormat.XR24, 64, 64));
            producer.setFormat(new VideoFormat(DrmFormat.RG16, 128, 64));
            assertThat(producer.format()).isEqualTo(new VideoFormat(DrmFormat.RG16, 128, 64));
        }
    }
}
