package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.Damage;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.SourceStatus;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.core.nativeio.LibC;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class NormalizeFormatTest {
    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");
    private final NormalizeFormat toNv12 = NormalizeFormat.to(DrmFormat.NV12, pool, meters);

    @AfterEach
    void closePool() {
        pool.close();
    }

    private FrameEvent event(DrmFormat format, int width, int height, int rgb, long sequence, boolean formatChange) {
        Frame frame = pool.acquire(new VideoFormat(format, width, height));
        if (format.isRgb()) {
            TestImages.paint(frame, (x, y) -> rgb);
        }
        return new FrameEvent(frame, sequence == 0 ? Damage.whole() : Damage.of(new Rect(0, 0, 8, 8)), sequence,
                1000 + sequence, formatChange ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    @Test
    void convertsKeepingSequenceTimeDamageAndTheFormatChange() {
        List<FrameEvent> in = List.of(event(DrmFormat.XR24, 64, 32, 0xff0000, 0, true),
                event(DrmFormat.XR24, 64, 32, 0x00ff00, 1, false), event(DrmFormat.XR24, 64, 32, 0x0000ff, 2, false));
        List<Frame> inputs = in.stream().map(FrameEvent::frame).toList();

        StepVerifier.create(Flux.fromIterable(in).transform(toNv12))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.NV12, 64, 32));
                    assertThat(e.sequence()).isZero();
                    assertThat(e.captureNanos()).isEqualTo(1000);
                    assertThat(e.damage().isWhole()).isTrue();
                    assertColour(e, DrmFormat.XR24, 0xff0000);
                    e.release();
                })
                .assertNext(e -> {
                    assertThat(e.formatChange()).isEmpty();
                    assertThat(e.sequence()).isEqualTo(1);
                    assertThat(e.damage().rectangles()).containsExactly(new Rect(0, 0, 8, 8));
                    assertColour(e, DrmFormat.XR24, 0x00ff00);
                    e.release();
                })
                .assertNext(e -> {
                    assertColour(e, DrmFormat.XR24, 0x0000ff);
                    e.release();
                })
                .verifyComplete();

        assertThat(inputs).allMatch(Frame::isReleased);
        assertNoOutstandingFrames();
        assertThat(registry.get("scanout.frames.converted").counter().count()).isEqualTo(3);
        assertThat(registry.get("scanout.stage.latency").tag("stage", "convert").timer().count()).isEqualTo(3);
    }

    @Test
    void anEventAlreadyInTheTargetFormatPassesUntouched() {
        FrameEvent nv12 = event(DrmFormat.NV12, 64, 32, 0, 0, true);

        StepVerifier.create(Flux.just(nv12).transform(toNv12))
                .assertNext(e -> {
                    assertThat(e).isSameAs(nv12);
                    assertThat(e.frame().isReleased()).isFalse();
                    e.release();
                })
                .verifyComplete();

        assertThat(pool.stats().acquired()).as("no frame but the input").isEqualTo(1);
        assertNoOutstandingFrames();
    }

    @Test
    void anOddSizedEventIsPaddedAndItsEdgeDamageGrows() {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XB24, 33, 17));
        TestImages.paint(frame, (x, y) -> 0x808080);
        FrameEvent odd = new FrameEvent(frame, Damage.of(new Rect(30, 15, 3, 2)), 4, 5, Optional.of(frame.videoFormat()));

        StepVerifier.create(Flux.just(odd).transform(NormalizeFormat.to(DrmFormat.YU12, pool, meters)))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.YU12, 34, 18));
                    assertThat(e.damage().rectangles()).containsExactly(new Rect(30, 15, 4, 3));
                    assertColour(e, DrmFormat.XB24, 0x808080);
                    e.release();
                })
                .verifyComplete();
        assertNoOutstandingFrames();
    }

    @Test
    void cropAndScaleCarryDamageToOutputPixels() {
        ConvertSettings settings = ConvertSettings.to(DrmFormat.NV12).withCrop(new Rect(64, 32, 128, 64))
                .withScaling(Scaling.exactly(64, 32).withFilter(Scaling.Filter.BILINEAR));
        Frame first = pool.acquire(new VideoFormat(DrmFormat.XR24, 256, 128));
        TestImages.paint(first, (x, y) -> 0x808080);
        Frame second = pool.acquire(new VideoFormat(DrmFormat.XR24, 256, 128));
        TestImages.paint(second, (x, y) -> 0x808080);
        List<FrameEvent> in = List.of(
                new FrameEvent(first, Damage.whole(), 0, 0, Optional.of(first.videoFormat())),
                new FrameEvent(second, Damage.of(new Rect(96, 48, 8, 8), new Rect(0, 0, 10, 10)), 1, 1, Optional.empty()));

        StepVerifier.create(Flux.fromIterable(in).transform(NormalizeFormat.with(settings, pool, meters)))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.NV12, 64, 32));
                    assertThat(e.damage().isWhole()).isTrue();
                    e.release();
                })
                .assertNext(e -> {
                    // 96..104 in the crop is 32..40; halved, widened by one pixel of bilinear reach: 15..21.
                    assertThat(e.damage().rectangles()).containsExactly(new Rect(15, 7, 6, 6));
                    assertColour(e, DrmFormat.XR24, 0x808080);
                    e.release();
                })
                .verifyComplete();
        assertNoOutstandingFrames();
    }

    @Test
    void tenBitFramesBecomeP010() {
        FrameEvent in = event(DrmFormat.XR30, 64, 32, 0xffffff, 0, true);
        StepVerifier.create(Flux.just(in).transform(NormalizeFormat.to(DrmFormat.P010, pool, meters)))
                .assertNext(e -> {
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.P010, 64, 32));
                    assertThat(new P010(e.frame()).y(10, 10)).isCloseTo(940, org.assertj.core.data.Offset.offset(4));
                    e.release();
                })
                .verifyComplete();
        assertNoOutstandingFrames();
    }

    /** The server's composition: change detection, then conversion. */
    @Test
    void detectChangesThenNormalizeEncodesOnlyWhatChanged() {
        List<FrameEvent> in = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, 256, 128));
            int boxX = i < 3 ? 10 : 150;
            TestImages.paint(frame, (x, y) -> x >= boxX && x < boxX + 20 && y >= 20 && y < 40 ? 0xff0000 : 0x202020);
            in.add(new FrameEvent(frame, Damage.whole(), i, i * 400_000_000L,
                    i == 0 ? Optional.of(frame.videoFormat()) : Optional.empty()));
        }
        ConvertSettings half = ConvertSettings.to(DrmFormat.NV12).withScaling(Scaling.exactly(128, 64)
                .withFilter(Scaling.Filter.BILINEAR));

        StepVerifier.create(Flux.fromIterable(in).transform(DetectChanges.create(pool, meters))
                        .transform(NormalizeFormat.with(half, pool, meters)))
                .assertNext(e -> {
                    assertThat(e.sequence()).isZero();
                    assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.NV12, 128, 64));
                    e.release();
                })
                .assertNext(e -> {
                    // 1.2 s after the first: frame 3 moved the box, tiles 0..63 and 128..191 of row 0.
                    assertThat(e.sequence()).isEqualTo(3);
                    assertThat(e.damage().rectangles()).containsExactly(new Rect(0, 0, 33, 33), new Rect(63, 0, 34, 33));
                    e.release();
                })
                .verifyComplete();
        assertThat(registry.get("scanout.frames.dropped").tag("reason", "unchanged").counter().count()).isEqualTo(4);
        assertThat(registry.get("scanout.frames.converted").counter().count()).isEqualTo(2);
        assertNoOutstandingFrames();
    }

    @Test
    void aFormatChangeMidStreamReinitialises() {
        List<FrameEvent> in = List.of(event(DrmFormat.XR24, 64, 32, 0xff0000, 0, true),
                event(DrmFormat.XR30, 48, 30, 0x00ff00, 1, true), event(DrmFormat.RG16, 40, 20, 0xffffff, 2, true),
                event(DrmFormat.XR24, 64, 32, 0x0000ff, 3, true));

        StepVerifier.create(Flux.fromIterable(in).transform(toNv12))
                .assertNext(e -> check(e, DrmFormat.XR24, 64, 32, 0xff0000))
                .assertNext(e -> check(e, DrmFormat.XR30, 48, 30, 0x00ff00))
                .assertNext(e -> check(e, DrmFormat.RG16, 40, 20, 0xffffff))
                .assertNext(e -> check(e, DrmFormat.XR24, 64, 32, 0x0000ff))
                .verifyComplete();
        assertNoOutstandingFrames();
    }

    private void check(FrameEvent e, DrmFormat input, int width, int height, int rgb) {
        assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.NV12, width, height));
        assertColour(e, input, rgb);
        e.release();
    }

    @Test
    void aFrameItCannotTakeIsDroppedCountedLoggedOnceAndTheStreamGoesOn() {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(NormalizeFormat.class);
        logger.addAppender(logged);
        logged.start();
        try {
            List<FrameEvent> in = new ArrayList<>();
            in.add(event(DrmFormat.XR24, 32, 32, 0xff0000, 0, true));
            for (int i = 1; i <= 3; i++) {
                in.add(dmaBufEvent(i));
            }
            in.add(event(DrmFormat.XR24, 32, 32, 0x00ff00, 4, false));

            StepVerifier.create(Flux.fromIterable(in).transform(toNv12))
                    .assertNext(e -> check(e, DrmFormat.XR24, 32, 32, 0xff0000))
                    .assertNext(e -> {
                        assertThat(e.sequence()).isEqualTo(4);
                        assertColour(e, DrmFormat.XR24, 0x00ff00);
                        e.release();
                    })
                    .verifyComplete();

            assertThat(in).allMatch(e -> e.frame().isReleased());
            assertThat(registry.get("scanout.frames.dropped").tag("reason", "error").counter().count()).isEqualTo(3);
            SourceStatus.Snapshot status = meters.source().snapshot();
            assertThat(status.state()).as("what /streams shows").isEqualTo(SourceStatus.State.ERROR);
            assertThat(status.lastError()).startsWith("frames cannot be converted: cannot read a dma-buf frame");
            List<ILoggingEvent> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getFormattedMessage())
                    .contains("cannot read a dma-buf frame on the CPU: dma-buf XR24 32x32 offsets [0] strides [128] is not linear");
        } finally {
            logger.detachAppender(logged);
        }
        assertNoOutstandingFrames();
    }

    @Test
    void dmaBufsTheEncoderImportsGoOnUntouched() {
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.NV12, 32, 32);
        int fd = LibC.memfd_create("scanout-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        Frame frame = Frame.wrap(new DmaBuf(fd, layout.requiredBytes(), DmaBuf.MODIFIER_LINEAR, layout));
        FrameEvent dmaBuf = new FrameEvent(frame, Damage.whole(), 0, 0, Optional.empty());
        StepVerifier.create(Flux.just(dmaBuf).transform(toNv12.passingDmaBufs(Set.of(DrmFormat.NV12))))
                .assertNext(e -> {
                    assertThat(e).isSameAs(dmaBuf);
                    assertThat(e.frame().isDmaBuf()).isTrue();
                    e.release();
                })
                .verifyComplete();
        assertThat(pool.stats().acquired()).as("no CPU copy, no output frame").isZero();
    }

    private FrameEvent dmaBufEvent(long sequence) {
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.XR24, 32, 32);
        int fd = LibC.memfd_create("scanout-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        // Tiled: the CPU cannot read it, so the stage must drop it.
        Frame frame = Frame.wrap(new DmaBuf(fd, layout.requiredBytes(), 0x0100000000000001L, layout));
        return new FrameEvent(frame, Damage.whole(), sequence, 0, Optional.empty());
    }

    @Test
    void anUpstreamErrorEndsTheStageAndLeaksNothing() {
        Flux<FrameEvent> failing = Flux.concat(Flux.just(event(DrmFormat.XR24, 32, 32, 0x123456, 0, true)),
                Flux.error(new IOException("source went away")));

        StepVerifier.create(failing.transform(toNv12))
                .assertNext(FrameEvent::release)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IOException.class).hasMessage("source went away"))
                .verify(Duration.ofSeconds(10));
        assertNoOutstandingFrames();
    }

    @Test
    void aClosedPoolIsAnErrorOfTheStage() {
        FrameEvent input = event(DrmFormat.XR24, 32, 32, 0x123456, 0, true);
        pool.close();

        StepVerifier.create(Flux.just(input).transform(toNv12))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessage("frame pool is closed"))
                .verify(Duration.ofSeconds(10));
        assertThat(input.frame().isReleased()).isTrue();
    }

    @Test
    void cancelReleasesWhatWasInFlight() {
        StageCancellation.cancelReleasesWhatWasInFlight(i -> event(DrmFormat.XR24, 32, 32, 0x445566, i, i == 0), toNv12);
        assertNoOutstandingFrames();
    }

    @Test
    void cancelRacingConversionsOnAnotherThreadLeaksNothing() {
        StageCancellation.cancelRacingFramesLeaksNothing(i -> event(DrmFormat.XR24, 96, 64, 0x336699, i, i == 0),
                toNv12, pool);
    }

    private static void assertColour(FrameEvent e, DrmFormat input, int rgb) {
        int[] want = TestImages.bt709(input, rgb);
        Yuv out = new Yuv(e.frame());
        for (int y = 0; y < e.frame().height(); y++) {
            for (int x = 0; x < e.frame().width(); x++) {
                assertThat(out.y(x, y)).as("Y at %d,%d", x, y).isCloseTo(want[0], org.assertj.core.data.Offset.offset(2));
            }
        }
        assertThat(out.cb(0, 0)).isCloseTo(want[1], org.assertj.core.data.Offset.offset(2));
        assertThat(out.cr(0, 0)).isCloseTo(want[2], org.assertj.core.data.Offset.offset(2));
    }

    private void assertNoOutstandingFrames() {
        assertThat(pool.stats().outstanding()).as("frames not released: %s", pool.stats()).isZero();
    }
}
