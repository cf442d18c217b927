package io.scanout.capture.x11;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.FrameSources;
import io.scanout.capture.SourceUri;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The X11 source on Xvfb, compared with {@code xwd -root} pixel by pixel. */
class X11SourceTest {
    private static final Logger log = LoggerFactory.getLogger(X11SourceTest.class);
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final XwdImage PICTURE = TestPicture.make(160, 120, 7);

    @TempDir
    static Path dir;
    private static XvfbDisplay display;

    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "x11");

    @BeforeAll
    static void startXvfb() throws Exception {
        XvfbDisplay.assumeInstalled("Xvfb", "xwd", "xwud", "xsetroot");
        display = XvfbDisplay.start(WIDTH, HEIGHT, dir);
        display.showPicture("#204060", PICTURE, LIMIT);
    }

    @AfterAll
    static void stopXvfb() {
        if (display != null) {
            display.close();
        }
    }

    @AfterEach
    void noLeaks() {
        CaptureTesting.noLeaksThenClose(pool, "scanout-x11-", LIMIT);
    }

    private X11Source source(String params) {
        return (X11Source) FrameSources.open("x11:" + display.name() + params, pool, meters);
    }

    @Test
    void theFirstFrameIsExactlyWhatXwdSees() throws Exception {
        XwdImage screen = display.screenshot();
        StepVerifier.create(source("").frames().take(1))
                .assertNext(e -> {
                    try {
                        assertThat(e.formatChange()).contains(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
                        assertThat(e.damage().isWhole()).isTrue();
                        assertThat(FrameCompare.differences(e.frame(), screen)).isNull();
                    } finally {
                        e.release();
                    }
                })
                .verifyComplete();
    }

    @Test
    void framesAreTheSharedSegmentsThemselvesUntilAllAreHeldThenPooledCopies() throws Exception {
        XwdImage screen = display.screenshot();
        // Without damage every tick is a whole frame; hold six without releasing any.
        List<FrameEvent> held = source("?fps=60&damage=0").frames().take(6).collectList().block(LIMIT);
        try {
            // Three shared-memory images are lent as they are; while they are held, frames are copies.
            assertThat(pool.stats().acquired()).as("pooled copies").isEqualTo(3);
            for (FrameEvent e : held) {
                assertThat(FrameCompare.differences(e.frame(), screen)).isNull();
            }
        } finally {
            // The source is gone (take(6) cancelled it): the lent segments are still mapped until now.
            held.forEach(FrameEvent::release);
        }
    }

    @Test
    void aStillScreenSendsNothingMoreAndADrawingSendsItsDamage() throws Exception {
        List<FrameEvent> held = new CopyOnWriteArrayList<>();
        try {
            StepVerifier.create(source("?fps=60").frames())
                    .consumeNextWith(held::add)
                    .expectNoEvent(Duration.ofMillis(500))
                    .then(() -> run("xsetroot", "-solid", "#c08000"))
                    .thenConsumeWhile(e -> {
                        held.add(e);
                        return FrameCompare.rgb(e.frame(), WIDTH - 1, HEIGHT - 1) != 0xc08000;
                    })
                    .thenCancel()
                    .verify(LIMIT);
            XwdImage screen = display.screenshot();
            FrameEvent last = held.get(held.size() - 1);
            assertThat(FrameCompare.differences(last.frame(), screen)).isNull();
            for (int i = 1; i < held.size(); i++) {
                FrameEvent e = held.get(i);
                assertThat(e.damage().isWhole()).isFalse();
                assertThat(e.formatChange()).isEmpty();
                assertThat(FrameCompare.undamagedChanges(held.get(i - 1).frame(), e.frame(), e.damage())).isNull();
            }
            // The picture's window did not change: the root's repaint is damage around it, not over it.
            assertThat(last.damage().area(WIDTH, HEIGHT)).isLessThan((long) WIDTH * HEIGHT);
        } finally {
            held.forEach(FrameEvent::release);
            run("xsetroot", "-solid", "#204060");
        }
    }

    @Test
    void withoutDamageEveryFrameIsWhole() {
        StepVerifier.create(source("?damage=0&fps=120").frames().take(5))
                .expectNextCount(0)
                .thenConsumeWhile(e -> {
                    boolean whole = e.damage().isWhole();
                    e.release();
                    return whole;
                })
                .verifyComplete();
        assertThat(registry.get("scanout.frames.captured").counter().count()).isEqualTo(5);
    }

    @Test
    void cancelRacingCaptureLeaksNothing() {
        X11Source source = source("?damage=0&fps=240");
        for (int i = 0; i < 10; i++) {
            Disposable running = source.frames().subscribe(FrameEvent::release);
            CaptureTesting.sleepMillis(i * 7 % 40);
            running.dispose();
        }
    }

    @Test
    void aDisplayThatIsNotThereIsNamed() {
        StepVerifier.create(X11Source.open(SourceUri.parse("x11::987"), pool, meters).frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(X11Exception.class)
                        .hasMessageStartingWith("cannot open X display ':987'"))
                .verify(LIMIT);
    }

    @Test
    void urisAreChecked() {
        assertThat(X11Settings.parse(SourceUri.parse("x11::99"))).isEqualTo(new X11Settings(":99", 30, true));
        assertThat(X11Settings.parse(SourceUri.parse("x11:99?fps=5&damage=0")))
                .isEqualTo(new X11Settings(":99", 5, false));
        assertThat(X11Settings.parse(SourceUri.parse("x11::0.1")).screen()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> X11Settings.parse(SourceUri.parse("x11::1?fps=999")))
                .hasMessage("source URI 'x11::1?fps=999': parameter 'fps' must be in 1..240, not 999");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> X11Settings.parse(SourceUri.parse("x11::1?damage=2")))
                .hasMessage("source URI 'x11::1?damage=2': parameter 'damage' must be 1 or 0, not '2'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> X11Settings.parse(SourceUri.parse("x11:")))
                .hasMessage("source URI 'x11:': an X display is ':N' or 'HOST:N', not ''");
    }

    /** Not a speed assertion: logs how long a full-HD capture takes, for the report. */
    @Test
    void measuresAFullHdCapture(@TempDir Path hd) throws Exception {
        try (XvfbDisplay big = XvfbDisplay.start(1920, 1080, hd)) {
            big.run("xsetroot", "-solid", "#336699");
            X11Source source = (X11Source) FrameSources.open("x11:" + big.name() + "?damage=0&fps=240", pool, meters);
            StepVerifier.create(source.frames().take(120))
                    .thenConsumeWhile(e -> {
                        e.release();
                        return true;
                    })
                    .verifyComplete();
            Timer capture = meters.stageTimer(Stage.CAPTURE);
            log.info("x11 1920x1080 capture (XShmGetImage + copy into a pooled frame): mean {} ms, max {} ms over {}",
                    String.format("%.2f", capture.mean(TimeUnit.MILLISECONDS)),
                    String.format("%.2f", capture.max(TimeUnit.MILLISECONDS)), capture.count());
            assertThat(capture.count()).isEqualTo(120);
        }
    }

    private static void run(String... command) {
        try {
            display.run(command);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
