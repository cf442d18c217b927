package io.scanout.capture.x11;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.FrameSources;
import io.scanout.capture.testing.CaptureTesting;
import io.scanout.capture.testing.Events;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        display.showPicture("#602040", PICTURE, LIMIT);
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

    @Test
    void aRandrResizeBecomesAFormatChangeAtTheNewSize() throws Exception {
        try (Events events = new Events(FrameSources.open("x11:" + display.name() + "?fps=30", pool, meters)
                .frames())) {
            FrameEvent first = events.next(LIMIT);
            assertThat(first.formatChange()).contains(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
            first.release();

            display.run("xrandr", "--output", "screen", "--off", "--fb", "200x160");
            FrameEvent shrunk = events.until(FrameEvent::isFormatChange, LIMIT);
            assertThat(shrunk.formatChange()).contains(new VideoFormat(DrmFormat.XR24, 200, 160));
            assertThat(shrunk.frame().width()).isEqualTo(200);
            assertThat(shrunk.damage().isWhole()).isTrue();
            XwdImage small = display.screenshot();
            assertThat(small.width()).isEqualTo(200);
            assertThat(FrameCompare.differences(shrunk.frame(), small)).isNull();
            shrunk.release();

            display.run("xrandr", "--fb", WIDTH + "x" + HEIGHT, "--output", "screen", "--auto");
            FrameEvent grown = events.until(FrameEvent::isFormatChange, LIMIT);
            assertThat(grown.formatChange()).contains(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
            assertThat(grown.frame().width()).isEqualTo(WIDTH);
            // The newly exposed area is painted by the server after the resize, with damage: a frame shows it.
            XwdImage big = display.screenshot();
            if (FrameCompare.differences(grown.frame(), big) != null) {
                events.until(e -> FrameCompare.differences(e.frame(), big) == null, LIMIT).release();
            }
            grown.release();
        }
    }
}
