package io.scanout.capture.vfio;

import static io.scanout.capture.testing.CaptureTesting.openFds;
import static io.scanout.capture.vfio.VfioTesting.await;
import static io.scanout.capture.vfio.VfioTesting.awaitPollersGone;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * A device model is guest-controlled: each kind of bad plane must be dropped with a clear cause,
 * counted, never emitted, never read past a buffer — and capture goes on once the plane is good.
 */
class VfioBadPlaneTest {
    private static final VideoFormat A = new VideoFormat(DrmFormat.XR24, 320, 180);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static GfxPlane with(GfxPlane p, int format, int width, int height, int stride, int size, int id) {
        return new GfxPlane(format, p.modifier(), width, height, stride, size, 0, 0, 0, 0, id);
    }

    /** Each tamper and what the source must say, worked out here from the numbers. */
    private static Map<String, UnaryOperator<GfxPlane>> dmaBufTampers(Map<String, String> said) {
        Map<String, UnaryOperator<GfxPlane>> t = new LinkedHashMap<>();
        t.put("unknown fourcc", p -> with(p, DrmFormat.fourcc("YUV9"), p.width(), p.height(), p.stride(), p.size(), p.id()));
        said.put("unknown fourcc", "unknown DRM fourcc 0x39565559 ('YUV9')");
        t.put("two planes", p -> with(p, DrmFormat.NV12.fourcc(), p.width(), p.height(), p.stride(), p.size(), p.id()));
        said.put("two planes", "format NV12 has 2 planes, and a VFIO plane has one stride");
        t.put("zero width", p -> with(p, p.drmFormat(), 0, p.height(), p.stride(), p.size(), p.id()));
        said.put("zero width", "zero size: width 0, height 180, stride 1280");
        t.put("huge", p -> with(p, p.drmFormat(), -1, p.height(), p.stride(), p.size(), p.id()));
        said.put("huge", "plane size 4294967295x180 is past the largest Scanout takes, 16384x16384");
        t.put("short stride", p -> with(p, p.drmFormat(), p.width(), p.height(), 1279, p.size(), p.id()));
        said.put("short stride", "stride 1279 B is smaller than a row of 320 XR24 pixels (1280 B)");
        t.put("taller than its size", p -> with(p, p.drmFormat(), p.width(), 200, p.stride(), p.size(), p.id()));
        said.put("taller than its size", "stride 1280 × height 200 = 256000 B is more than the plane's size of 233472 B");
        t.put("unknown id", p -> with(p, p.drmFormat(), p.width(), p.height(), p.stride(), p.size(), 999));
        said.put("unknown id", "VFIO_DEVICE_GET_GFX_DMABUF of dmabuf_id 999 on emulated-dmabuf: errno 2 (No such file or directory)");
        // Claims twice the height and the size to match: only the dma-buf's own size gives it away.
        t.put("larger than its dma-buf", p -> with(p, p.drmFormat(), p.width(), 360, p.stride(), 1280 * 360, p.id()));
        said.put("larger than its dma-buf", "the plane (XR24 320x360 offsets [0] strides [1280]) needs 460800 B and its"
                + " dma-buf holds 233472 B");
        return t;
    }

    @Test
    void everyKindOfBadDmaBufPlaneIsDroppedAndCaptureRecovers() throws Exception {
        Map<String, String> said = new LinkedHashMap<>();
        Map<String, UnaryOperator<GfxPlane>> tampers = dmaBufTampers(said);
        runTampers(PlaneKind.DMABUF, tampers, said, 8);
    }

    @Test
    void aTiledOrOversizedRegionPlaneIsDropped() throws Exception {
        Map<String, String> said = new LinkedHashMap<>();
        Map<String, UnaryOperator<GfxPlane>> t = new LinkedHashMap<>();
        t.put("tiled", p -> new GfxPlane(p.drmFormat(), 0x0100000000000001L, p.width(), p.height(), p.stride(), p.size(),
                0, 0, 0, 0, p.id()));
        said.put("tiled", "the region plane has tiling modifier 0x100000000000001; only linear planes can be read by the CPU");
        // 16 MiB of emulated VRAM holds 4096 rows of 4096 B, not 4097.
        t.put("past the region", p -> with(p, p.drmFormat(), 1024, 4097, 4096, 4096 * 4097, p.id()));
        said.put("past the region", "the plane (XR24 1024x4097 offsets [0] strides [4096]) needs 16781312 B and region 16"
                + " holds 16777216 B");
        runTampers(PlaneKind.REGION, t, said, 2);
    }

    private void runTampers(PlaneKind kind, Map<String, UnaryOperator<GfxPlane>> tampers, Map<String, String> said,
                            int distinctCauses) throws Exception {
        EmulatedMbochs device = new EmulatedMbochs(kind, A);
        device.draw(1);
        BlockingQueue<FrameEvent> events = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long fdsBefore;
        try (FramePool pool = new FramePool(); CaptureTesting.LogCapture log = new CaptureTesting.LogCapture(VfioPoller.class)) {
            VfioSource source = VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, 240, kind), () -> device, pool,
                    new StreamMeters(registry, "test"));
            Disposable running = source.frames().subscribe(events::add, failure::set);
            try {
                take(events).release();
                fdsBefore = openFds();
                for (Map.Entry<String, UnaryOperator<GfxPlane>> tamper : tampers.entrySet()) {
                    String name = tamper.getKey();
                    device.tamper(tamper.getValue());
                    double before = errors();
                    await(() -> errors() >= before + 2, () -> name + ": not dropped as an error");
                    drain(events);
                    double drained = errors();
                    await(() -> errors() >= drained + 3, () -> name + ": polling stopped");
                    assertThat(events).as("%s: frames emitted from a bad plane", name).isEmpty();
                    String cause = "bad plane: " + said.get(name);
                    assertThat(log.messages(Level.WARN).stream().anyMatch(m -> m.contains(cause + " (logged once"))
                            || log.messages(Level.DEBUG).stream().anyMatch(m -> m.endsWith(cause)))
                            .as("%s: says '%s'", name, cause).isTrue();

                    device.tamper(UnaryOperator.identity());
                    FrameEvent good = take(events);
                    assertThat(good.formatChange()).as("%s: same format after recovery", name).isEmpty();
                    assertThat(good.videoFormat()).isEqualTo(A);
                    good.release();
                    drain(events);
                }
                // Rejected dma-buf fds were closed at once, not leaked.
                await(() -> openFds() <= fdsBefore, () -> "fds: " + openFds() + " now, " + fdsBefore + " before");
            } finally {
                running.dispose();
                awaitPollersGone();
                drain(events);
            }
            assertThat(failure.get()).isNull();
            assertThat(log.messages(Level.WARN)).hasSize(distinctCauses)
                    .allMatch(m -> m.contains(" (logged once per cause; polling goes on)"));
            await(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
        }
    }

    private double errors() {
        return registry.get("scanout.frames.dropped").tag("reason", "error").counter().count();
    }

    private static FrameEvent take(BlockingQueue<FrameEvent> events) throws InterruptedException {
        FrameEvent e = events.poll(15, TimeUnit.SECONDS);
        assertThat(e).as("a frame within 15 s").isNotNull();
        return e;
    }

    private static void drain(BlockingQueue<FrameEvent> events) {
        FrameEvent e;
        while ((e = events.poll()) != null) {
            e.release();
        }
    }
}
