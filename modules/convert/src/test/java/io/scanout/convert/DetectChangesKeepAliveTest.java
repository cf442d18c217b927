package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The timer side of {@link DetectChanges}: a source that goes quiet (RFB, X11) gets its last
 * frame repeated every keep-alive interval. Real time with a short interval; only lower bounds on
 * time are asserted (a keep-alive never comes early), never how fast anything runs.
 */
class DetectChangesKeepAliveTest {
    private static final Duration INTERVAL = Duration.ofMillis(150);

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "test");
    private final DetectChanges detect = DetectChanges.create(pool, meters).keepAlive(INTERVAL);

    @AfterEach
    void closePool() {
        pool.close();
    }

    /** A 200x130 XR24 picture: grey, with a white box at {@code boxX} (or none when negative). */
    private FrameEvent event(int boxX, long sequence, Damage damage, boolean formatChange) {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, 200, 130));
        TestImages.paint(frame, (x, y) -> boxX >= 0 && x >= boxX && x < boxX + 10 && y >= 70 && y < 80
                ? 0xffffff : 0x404040);
        return new FrameEvent(frame, damage, sequence, System.nanoTime(),
                formatChange ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    @Test
    void aSourceThatStallsGetsItsLastFrameRepeatedEveryIntervalAndCancelReleasesAll() {
        FrameEvent first = event(130, 0, Damage.whole(), true);
        ByteBuffer picture = copyOf(first.frame());
        List<Long> times = new ArrayList<>();

        StepVerifier.create(Flux.concat(Flux.just(first), Flux.<FrameEvent>never()).transform(detect))
                .assertNext(e -> {
                    assertThat(e).isSameAs(first);
                    times.add(e.captureNanos());
                    e.release();
                })
                .assertNext(e -> assertKeepAlive(e, 1, picture, times))
                .assertNext(e -> assertKeepAlive(e, 2, picture, times))
                .assertNext(e -> assertKeepAlive(e, 3, picture, times))
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        for (int i = 1; i < times.size(); i++) {
            // Capture times: the source's for the frame (taken before it arrived), the timer's for keep-alives.
            assertThat(times.get(i) - times.get(i - 1)).as("gap before keep-alive %d", i)
                    .isGreaterThanOrEqualTo(INTERVAL.toNanos());
        }
        StageCancellation.await(() -> pool.stats().outstanding() == 0, () -> "frames not released: " + pool.stats());
        StageCancellation.await(() -> !keepAliveThreadRuns(), () -> "the keep-alive scheduler was not disposed");
    }

    @Test
    void aKeepAliveRepeatsTheLatestPictureOfASourceThatReportsDamage() {
        FrameEvent first = event(-1, 0, Damage.whole(), true);
        // The box appears; the source says where: the stage copies those rows into its copy.
        FrameEvent second = event(130, 1, Damage.of(new Rect(130, 70, 10, 10)), false);
        ByteBuffer picture = copyOf(second.frame());

        StepVerifier.create(Flux.concat(Flux.just(first, second), Flux.<FrameEvent>never()).transform(detect))
                .assertNext(e -> assertSameAndRelease(e, first))
                .assertNext(e -> assertSameAndRelease(e, second))
                .assertNext(e -> assertKeepAlive(e, 2, picture, new ArrayList<>()))
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        StageCancellation.await(() -> pool.stats().outstanding() == 0, () -> "frames not released: " + pool.stats());
    }

    @Test
    void keepAlivesStopWhileFramesFlowAndTheStageCompletesWithTheSource() {
        int flowing = 25;
        Flux<FrameEvent> source = Flux.concat(
                Flux.just(event(-1, 0, Damage.whole(), true)),
                // Quiet for more than two intervals, then a changing frame every 20 ms (well inside one).
                Mono.delay(INTERVAL.multipliedBy(2).plusMillis(50)).thenMany(Flux.interval(Duration.ofMillis(20))
                        .onBackpressureDrop()
                        .take(flowing)
                        .map(i -> event(i % 2 == 0 ? 130 : -1, 100 + i, Damage.whole(), false))));
        List<FrameEvent> out = new ArrayList<>();

        StepVerifier.create(source.transform(detect).doOnNext(out::add).doOnNext(FrameEvent::release))
                .thenConsumeWhile(e -> true)
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        List<Long> sequences = out.stream().map(FrameEvent::sequence).toList();
        assertThat(sequences.get(0)).isZero();
        int firstFlowing = sequences.indexOf(100L);
        assertThat(firstFlowing).as("keep-alives while the source was quiet: %s", sequences).isGreaterThanOrEqualTo(2);
        for (int i = 1; i < firstFlowing; i++) {
            assertThat(out.get(i).damage().isEmpty()).isTrue();
            assertThat(sequences.get(i)).isEqualTo(i);
        }
        assertThat(sequences.subList(firstFlowing, sequences.size())).as("no keep-alive among flowing frames")
                .allMatch(s -> s >= 100).hasSize(flowing);
        assertThat(pool.stats().outstanding()).as("frames not released: %s", pool.stats()).isZero();
        StageCancellation.await(() -> !keepAliveThreadRuns(), () -> "the keep-alive scheduler was not disposed");
    }

    @Test
    void nothingIsRepeatedWhileDownstreamAsksForNothing() {
        FrameEvent first = event(-1, 0, Damage.whole(), true);

        StepVerifier.create(Flux.concat(Flux.just(first), Flux.<FrameEvent>never()).transform(detect), 1)
                .assertNext(e -> assertSameAndRelease(e, first))
                .expectNoEvent(INTERVAL.multipliedBy(3))
                .thenRequest(1)
                .assertNext(e -> {
                    assertThat(e.damage().isEmpty()).isTrue();
                    e.release();
                })
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        StageCancellation.await(() -> pool.stats().outstanding() == 0, () -> "frames not released: " + pool.stats());
    }

    private static void assertKeepAlive(FrameEvent e, long sequence, ByteBuffer picture, List<Long> times) {
        times.add(e.captureNanos());
        try {
            assertThat(e.sequence()).isEqualTo(sequence);
            assertThat(e.damage().isEmpty()).isTrue();
            assertThat(e.isFormatChange()).isFalse();
            assertThat(e.frame().isReleased()).isFalse();
            assertThat(copyOf(e.frame()).mismatch(picture)).as("the keep-alive's picture differs at byte").isEqualTo(-1);
        } finally {
            e.release();
        }
    }

    private static void assertSameAndRelease(FrameEvent got, FrameEvent want) {
        assertThat(got).isSameAs(want);
        got.release();
    }

    /** The picture rows of an XR24 frame, without row padding. */
    private static ByteBuffer copyOf(Frame frame) {
        ByteBuffer in = frame.buffer();
        int rowBytes = frame.width() * 4;
        ByteBuffer out = ByteBuffer.allocate(rowBytes * frame.height());
        for (int y = 0; y < frame.height(); y++) {
            out.put(y * rowBytes, in, y * frame.layout().stride(0), rowBytes);
        }
        return out;
    }

    private static boolean keepAliveThreadRuns() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("scanout-keep-alive") && t.isAlive());
    }
}
