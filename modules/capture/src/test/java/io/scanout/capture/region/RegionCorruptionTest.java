package io.scanout.capture.region;

import static io.scanout.capture.region.RegionTesting.assertPattern;
import static io.scanout.capture.region.RegionTesting.await;
import static io.scanout.capture.region.RegionTesting.awaitPollersGone;
import static io.scanout.capture.region.RegionTesting.pollerThreadsAlive;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * The producer writes each kind of corrupt metadata in turn; the source must drop those frames,
 * say why (once per cause), count them, never emit or crash, and recover when the metadata is
 * valid again.
 */
class RegionCorruptionTest {
    private static final VideoFormat FORMAT = new VideoFormat(DrmFormat.XR24, 320, 180);
    private static final long REGION_BYTES = RegionProducer.regionBytesFor(1 << 20);
    private static final long FRAMEBUFFER_BYTES = REGION_BYTES - 28;
    private static final long FRAME_BYTES = 1280L * 180;

    @TempDir
    Path dir;
    private final FramePool pool = new FramePool();
    private final FramePool expectedPool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void tearDown() {
        pool.close();
        expectedPool.close();
    }

    /** What the source must say about each corruption, worked out here from the numbers, apart from the code. */
    private static Map<RegionCorruption, String> expectedMessages() {
        Map<RegionCorruption, String> m = new EnumMap<>(RegionCorruption.class);
        m.put(RegionCorruption.WRONG_ARGSZ, "argsz is 24, not 28 (the size of struct vfio_framebuffer)");
        m.put(RegionCorruption.UNKNOWN_FOURCC, "unknown DRM fourcc 0x39565559 ('YUV9')");
        m.put(RegionCorruption.MULTI_PLANE_FORMAT,
                "format NV12 has 2 planes, and a region describes one (a single offset and stride)");
        m.put(RegionCorruption.ZERO_WIDTH, "zero size: width 0, height 180, stride 1280");
        m.put(RegionCorruption.ZERO_HEIGHT, "zero size: width 320, height 0, stride 1280");
        m.put(RegionCorruption.ZERO_STRIDE, "zero size: width 320, height 180, stride 0");
        m.put(RegionCorruption.HUGE_WIDTH, "frame size 4294967295x180 is past the largest Scanout takes, 16384x16384");
        m.put(RegionCorruption.STRIDE_TOO_SMALL, "stride 1279 B is smaller than a row of 320 XR24 pixels (1280 B)");
        long pastEnd = FRAMEBUFFER_BYTES - FRAME_BYTES + 1;
        m.put(RegionCorruption.PAST_REGION_END, "offset " + pastEnd + " + stride 1280 × height 180 = "
                + (FRAMEBUFFER_BYTES + 1) + " B reaches past the framebuffer area of " + FRAMEBUFFER_BYTES
                + " B (region size - 28)");
        long wrapping = (1L << 32) - FRAME_BYTES + 1;
        m.put(RegionCorruption.OFFSET_WRAPS, "offset " + wrapping + " + stride 1280 × height 180 = "
                + ((1L << 32) + 1) + " B reaches past the framebuffer area of " + FRAMEBUFFER_BYTES + " B (region size - 28)");
        long bigStride = (1L << 32) / 180 + 1;
        m.put(RegionCorruption.STRIDE_TIMES_HEIGHT_WRAPS, "offset 0 + stride " + bigStride + " × height 180 = "
                + bigStride * 180 + " B reaches past the framebuffer area of " + FRAMEBUFFER_BYTES + " B (region size - 28)");
        return m;
    }

    @Test
    void everyKindOfCorruptMetadataIsDroppedAndTheStreamRecovers() throws Exception {
        Map<RegionCorruption, String> expected = expectedMessages();
        assertThat(expected.keySet()).containsExactlyInAnyOrder(RegionCorruption.values());
        Path path = dir.resolve("fb");
        BlockingQueue<FrameEvent> frames = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();

        try (RegionProducer producer = RegionProducer.start(path, FORMAT, 60, REGION_BYTES);
             CaptureTesting.LogCapture log = new CaptureTesting.LogCapture(RegionPoller.class)) {
            producer.hold(9);
            RegionSource source = RegionSource.open(new RegionSettings(path, 240, 2000), pool,
                    new StreamMeters(registry, "test"));
            Disposable running = source.frames().subscribe(frames::add, failure::set);
            try {
                FrameEvent first = take(frames);
                assertThat(first.formatChange()).contains(FORMAT);
                first.release();

                for (RegionCorruption corruption : RegionCorruption.values()) {
                    producer.corrupt(corruption);
                    double before = errors();
                    await(() -> errors() >= before + 3, () -> corruption + ": no frame dropped as an error");
                    drainAndRelease(frames);   // answered before the corruption took effect
                    double drained = errors();
                    await(() -> errors() >= drained + 3, () -> corruption + ": the source stopped asking");
                    assertThat(frames).as("%s: frames emitted from bad metadata", corruption).isEmpty();
                    String said = "bad metadata: " + expected.get(corruption);
                    assertThat(log.messages(Level.WARN).stream().anyMatch(m -> m.contains(said + " (logged once"))
                            || log.messages(Level.DEBUG).stream().anyMatch(m -> m.endsWith(said)))
                            .as("%s: says '%s'", corruption, said).isTrue();

                    producer.heal();
                    FrameEvent healed = take(frames);
                    assertThat(healed.formatChange()).as("%s: same format after recovery", corruption).isEmpty();
                    assertPattern(healed.frame(), 9, expectedPool);
                    healed.release();
                    drainAndRelease(frames);
                    assertThat(pollerThreadsAlive()).isTrue();
                }
            } finally {
                running.dispose();
                awaitPollersGone();
                drainAndRelease(frames);
            }
            assertThat(failure.get()).isNull();

            // One warning per distinct cause (7 of them across 11 corruptions), each naming the frame.
            assertThat(log.messages(Level.WARN)).hasSize(RegionFault.values().length)
                    .allMatch(m -> m.startsWith("region " + path + ": frame ") && m.contains(" dropped, bad metadata: ")
                            && m.endsWith(" (logged once per cause; the source keeps asking)"));
            // Recovery is news the first time; after that it is only logged at DEBUG.
            assertThat(log.messages(Level.INFO)).hasSize(1).allMatch(m -> m.matches(
                    "region .*: valid metadata again after \\d+ bad frame\\(s\\)"));
            double captured = registry.get("scanout.frames.captured").counter().count();
            // Every answer became a frame or a counted error; a cancel may leave one answer unread.
            assertThat(captured + errors()).isBetween((double) producer.answered() - 1, (double) producer.answered());
        }
        await(() -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
    }

    private double errors() {
        return registry.get("scanout.frames.dropped").tag("reason", "error").counter().count();
    }

    private static FrameEvent take(BlockingQueue<FrameEvent> frames) throws InterruptedException {
        FrameEvent e = frames.poll(15, TimeUnit.SECONDS);
        assertThat(e).as("a frame within 15 s").isNotNull();
        return e;
    }

    private static void drainAndRelease(BlockingQueue<FrameEvent> frames) {
        FrameEvent e;
        while ((e = frames.poll()) != null) {
            e.release();
        }
    }
}
