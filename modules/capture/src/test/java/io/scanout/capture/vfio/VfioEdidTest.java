package io.scanout.capture.vfio;

import static io.scanout.capture.vfio.VfioTesting.await;
import static io.scanout.capture.vfio.VfioTesting.awaitPollersGone;
import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A viewer's size reaches the guest through the EDID region as QEMU sends it; the guest's new mode comes back. */
class VfioEdidTest {
    private static final Duration VERIFY = Duration.ofSeconds(30);

    private static VideoFormat xr24(int w, int h) {
        return new VideoFormat(DrmFormat.XR24, w, h);
    }

    @Test
    void aRequestedSizeGoesLinkDownEdidSizeLinkUpAndTheGuestFollows() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, xr24(640, 480));
        try (FramePool pool = new FramePool()) {
            VfioSource source = VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, 120, null), () -> device, pool,
                    StreamMeters.noop());
            StepVerifier.create(source.frames())
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(xr24(640, 480));
                        e.release();
                    })
                    .then(() -> source.requestSize(800, 600))
                    .thenConsumeWhile(e -> e.formatChange().isEmpty(), FrameEvent::release)
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(xr24(800, 600));
                        e.release();
                    })
                    .then(() -> source.requestSize(4000, 3000))   // past the device's 1920x1440
                    .thenConsumeWhile(e -> e.formatChange().isEmpty(), FrameEvent::release)
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(xr24(1920, 1440));
                        e.release();
                    })
                    .then(() -> source.requestSize(10, 10))       // under the 320x200 floor
                    .thenConsumeWhile(e -> e.formatChange().isEmpty(), FrameEvent::release)
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(xr24(320, 200));
                        e.release();
                    })
                    .thenCancel()
                    .verify(VERIFY);
            awaitPollersGone();
        }
        assertThat(device.edidWrites).containsExactly(
                "link_state=2", "blob 128 B", "edid_size=128", "link_state=1",
                "link_state=2", "blob 128 B", "edid_size=128", "link_state=1",
                "link_state=2", "blob 128 B", "edid_size=128", "link_state=1");
        byte[] edid = device.edid();
        assertThat(edid).hasSize(128);
        int sum = 0;
        for (byte b : edid) {
            sum += b & 0xff;
        }
        assertThat(sum % 256).isZero();
    }

    @Test
    void theSameSizeAgainIsNotWrittenAgain() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.DMABUF, xr24(640, 480));
        try (FramePool pool = new FramePool()) {
            VfioSource source = VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, 120, null), () -> device, pool,
                    StreamMeters.noop());
            source.requestSize(800, 600);
            StepVerifier.create(source.frames())
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(xr24(800, 600));
                        e.release();
                    })
                    // Two viewers of one window size, then one asking past the maximum twice: clamped, the same.
                    .then(() -> source.requestSize(800, 600))
                    .thenConsumeWhile(e -> device.queries.get() < 20, FrameEvent::release)
                    .then(() -> source.requestSize(5000, 5000))
                    .thenConsumeWhile(e -> e.formatChange().isEmpty(), FrameEvent::release)
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(xr24(1920, 1440));
                        e.release();
                    })
                    .then(() -> source.requestSize(4000, 3000))
                    .thenConsumeWhile(e -> device.queries.get() < 60, FrameEvent::release)
                    .thenCancel()
                    .verify(VERIFY);
            awaitPollersGone();
        }
        assertThat(device.edidWrites).containsExactly(
                "link_state=2", "blob 128 B", "edid_size=128", "link_state=1",
                "link_state=2", "blob 128 B", "edid_size=128", "link_state=1");
    }

    @Test
    void aDeviceWithoutAnEdidRegionIgnoresTheRequestAndCapturesOn() {
        EmulatedMbochs device = new EmulatedMbochs(PlaneKind.REGION, xr24(320, 180));
        try (FramePool pool = new FramePool(); CaptureTesting.LogCapture log = new CaptureTesting.LogCapture(EdidUpdater.class)) {
            VfioSource source = VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, 120, null), () -> device, pool,
                    StreamMeters.noop());
            source.requestSize(800, 600);   // before subscribing: the first tick sends it
            StepVerifier.create(source.frames().take(3))
                    .assertNext(e -> {
                        assertThat(e.formatChange()).contains(xr24(320, 180));
                        e.release();
                    })
                    .then(() -> source.requestSize(1024, 768))
                    .assertNext(FrameEvent::release)
                    .assertNext(e -> {
                        assertThat(e.videoFormat()).isEqualTo(xr24(320, 180));
                        e.release();
                    })
                    .verifyComplete();
            awaitPollersGone();
            await(() -> !log.messages(ch.qos.logback.classic.Level.INFO).isEmpty(), () -> "nothing logged");
            assertThat(log.messages(ch.qos.logback.classic.Level.INFO)).isEqualTo(List.of(
                    "vfio emulated-region: no EDID region, so viewers cannot choose the display size"));
        }
    }
}
