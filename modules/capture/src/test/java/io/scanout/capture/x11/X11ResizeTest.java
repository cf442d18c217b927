package io.scanout.capture.x11;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.FrameSources;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * RandR on Xvfb: {@code xrandr} shrinks the screen and grows it back while the X11 source runs;
 * each size change must come as a frame of the new size carrying the format change, showing
 * exactly what {@code xwd -root} shows, on the same subscription.
 */
class X11ResizeTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final XwdImage PICTURE = TestPicture.make(160, 120, 11);

    @TempDir
    static Path dir;
    private static XvfbDisplay display;

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "x11-resize");

    @BeforeAll
    static void startXvfb() throws Exception {
        XvfbDisplay.assumeInstalled("Xvfb", "xwd", "xwud", "xsetroot", "xrandr");
        display = XvfbDisplay.start(WIDTH, HEIGHT, dir);
        display.run("xsetroot", "-solid", "#602040");
        Path picture = dir.resolve("picture.xwd");
        Files.write(picture, PICTURE.toXwd());
        display.start("xwud", "-in", picture.toString(), "-noclick");
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (display.screenshot().rgb(PICTURE.width() - 1, PICTURE.height() - 1)
                != PICTURE.rgb(PICTURE.width() - 1, PICTURE.height() - 1)) {
            assertThat(System.nanoTime()).as("xwud's window shows the test picture").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stopXvfb() {
        if (display != null) {
            display.close();
        }
    }

    @AfterEach
    void noLeaks() throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (pool.stats().outstanding() != 0 || Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("scanout-x11-") && t.isAlive())) {
            assertThat(System.nanoTime()).as("frames out: " + pool.stats() + ", or an x11 thread runs")
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
        pool.close();
    }

    @Test
    void aRandrResizeBecomesAFormatChangeAtTheNewSize() throws Exception {
        Taker events = new Taker();
        FrameSources.open("x11:" + display.name() + "?fps=30", pool, meters).frames().subscribe(events);
        try {
            FrameEvent first = events.next();
            assertThat(first.formatChange()).contains(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
            first.release();

            display.run("xrandr", "--output", "screen", "--off", "--fb", "200x160");
            FrameEvent shrunk = events.untilFormatChange();
            assertThat(shrunk.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 200, 160));
            assertThat(shrunk.frame().width()).isEqualTo(200);
            assertThat(shrunk.damage().isWhole()).isTrue();
            XwdImage small = display.screenshot();
            assertThat(small.width()).isEqualTo(200);
            assertThat(FrameCompare.differences(shrunk.frame(), small)).isNull();
            shrunk.release();

            display.run("xrandr", "--fb", WIDTH + "x" + HEIGHT, "--output", "screen", "--auto");
            FrameEvent grown = events.untilFormatChange();
            assertThat(grown.formatChange()).contains(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
            assertThat(grown.frame().width()).isEqualTo(WIDTH);
            // The newly exposed area is painted by the server after the resize, with damage: a frame shows it.
            XwdImage big = display.screenshot();
            if (FrameCompare.differences(grown.frame(), big) != null) {
                events.until(e -> FrameCompare.differences(e.frame(), big) == null).release();
            }
            grown.release();
        } finally {
            events.dispose();
            events.releaseAll();
        }
    }

    /** Takes events one at a time on the test's thread, requesting one more per event taken. */
    private static final class Taker extends BaseSubscriber<FrameEvent> {
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            request(1);
        }

        @Override
        protected void hookOnNext(FrameEvent event) {
            queue.add(event);
        }

        @Override
        protected void hookOnError(Throwable error) {
            queue.add(error);
        }

        FrameEvent next() throws InterruptedException {
            Object o = queue.poll(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (o == null) {
                throw new AssertionError("no event within " + LIMIT);
            }
            if (o instanceof Throwable) {
                throw new AssertionError("the source failed", (Throwable) o);
            }
            request(1);
            return (FrameEvent) o;
        }

        FrameEvent untilFormatChange() throws InterruptedException {
            return until(FrameEvent::isFormatChange);
        }

        FrameEvent until(java.util.function.Predicate<FrameEvent> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                FrameEvent e = next();
                if (wanted.test(e)) {
                    return e;
                }
                e.release();
            }
            throw new AssertionError("no such event within " + LIMIT);
        }

        void releaseAll() {
            for (Object o : queue) {
                if (o instanceof FrameEvent) {
                    ((FrameEvent) o).release();
                }
            }
        }
    }
}
