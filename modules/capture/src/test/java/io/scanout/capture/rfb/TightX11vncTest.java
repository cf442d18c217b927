package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.Events;
import io.scanout.capture.x11.FrameCompare;
import io.scanout.capture.x11.TestPicture;
import io.scanout.capture.x11.XvfbDisplay;
import io.scanout.capture.x11.XwdImage;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * x11vnc (libvncserver's Tight encoder) on Xvfb, offered only Tight (and the Raw every server may
 * fall back to): lossless Tight must show exactly what Raw and {@code xwd} show; with a JPEG
 * quality asked for, the server sends JPEG and the frame is close to the screen.
 */
class TightX11vncTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final XwdImage PICTURE = TestPicture.make(240, 160, 7);

    @TempDir
    static Path dir;
    private static XvfbDisplay display;
    private static int port;

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "tight");
    private final ch.qos.logback.classic.Logger tightLog =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(TightDecoder.class);
    private LogCapture logs;

    @BeforeAll
    static void startServer() throws Exception {
        XvfbDisplay.assumeInstalled("Xvfb", "x11vnc", "xwd", "xwud", "xsetroot");
        display = XvfbDisplay.start(WIDTH, HEIGHT, dir);
        display.showPicture("#3366cc", PICTURE, LIMIT);
        port = display.startX11vnc(LIMIT, "-nopw", "-forever", "-shared", "-nocursor", "-noncache", "-noxrecord",
                "-wait", "5", "-defer", "5");
    }

    @AfterAll
    static void stopServer() {
        if (display != null) {
            display.close();
        }
    }

    @BeforeEach
    void watchTightLog() {
        tightLog.setLevel(Level.DEBUG);
        logs = new LogCapture(TightDecoder.class);
    }

    @AfterEach
    void noLeaks() {
        logs.close();
        tightLog.setLevel(null);
        Await.noLeaksThenClose(pool);
    }

    private RfbSettings settings(String encodings) {
        return RfbSettings.of("127.0.0.1", port).withEncodings(encodings).withTimeoutMillis(30_000);
    }

    @Test
    void losslessTightShowsExactlyWhatRawAndXwdShow() throws Exception {
        XwdImage screen = display.screenshot();
        try (Events events = new Events(RfbSource.open(settings("tight,raw"), pool, meters).frames())) {
            X11vncTest.untilMatch(events, screen, new ArrayList<>()).release();
        }
        assertThat(logs.messages()).as("Tight rectangles decoded").anyMatch(m -> m.startsWith("first Tight "))
                .noneMatch(m -> m.contains("JPEG"));
        try (Events events = new Events(RfbSource.open(settings("raw"), pool, meters).frames())) {
            X11vncTest.untilMatch(events, screen, new ArrayList<>()).release();
        }
    }

    @Test
    void withAJpegQualityTheServerSendsJpegCloseToTheScreen() throws Exception {
        XwdImage screen = display.screenshot();
        RfbSettings settings = settings("tight,raw").withJpegQuality(OptionalInt.of(9));
        List<String> tried = new ArrayList<>();
        try (Events events = new Events(RfbSource.open(settings, pool, meters).frames())) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            double error = Double.MAX_VALUE;
            while (System.nanoTime() < deadline && (error >= 3.0 || !logs.contains("first Tight JPEG"))) {
                FrameEvent event = events.next(LIMIT);
                try {
                    error = meanError(event, screen);
                    tried.add(String.format("%.2f", error));
                } finally {
                    event.release();
                }
            }
            assertThat(logs.messages()).as("after frames with mean errors " + tried)
                    .anyMatch(m -> m.startsWith("first Tight JPEG"));
            assertThat(error).as("mean error per component, frames so far " + tried).isLessThan(3.0);
        }
    }

    /** Mean absolute difference per colour component between a frame and the screen. */
    private static double meanError(FrameEvent event, XwdImage screen) {
        long sum = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int a = FrameCompare.rgb(event.frame(), x, y);
                int b = screen.rgb(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    sum += Math.abs((a >>> shift & 0xff) - (b >>> shift & 0xff));
                }
            }
        }
        return (double) sum / (3L * WIDTH * HEIGHT);
    }
}
