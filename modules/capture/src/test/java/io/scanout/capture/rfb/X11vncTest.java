package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.Events;
import io.scanout.capture.x11.FrameCompare;
import io.scanout.capture.x11.TestPicture;
import io.scanout.capture.x11.XvfbDisplay;
import io.scanout.capture.x11.XwdImage;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

/**
 * The real thing: x11vnc serving an Xvfb screen behind a password, captured with each encoding
 * and compared pixel by pixel with {@code xwd -root} of the same (still) screen.
 */
class X11vncTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final String PASSWORD = "sc4nout";
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static XvfbDisplay display;
    private static int port;
    private static int cursorPort;
    private static final XwdImage PICTURE = TestPicture.make(200, 150, 42);

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "x11vnc");

    @BeforeAll
    static void startServers() throws Exception {
        XvfbDisplay.assumeInstalled("Xvfb", "x11vnc", "xwd", "xwud", "xsetroot");
        display = XvfbDisplay.start(WIDTH, HEIGHT, dir);
        display.showPicture("#3366cc", PICTURE, LIMIT);
        Path passwd = dir.resolve("passwd");
        display.run("x11vnc", "-storepasswd", PASSWORD, passwd.toString());
        // -nocursor: the pointer is not in xwd's picture, so it must not be in the frames either.
        port = display.startX11vnc(LIMIT, "-rfbauth", passwd.toString(), "-forever", "-shared", "-nocursor",
                "-noncache", "-noxrecord", "-wait", "5", "-defer", "5");
        // A second server that sends the pointer's shape to clients that ask for it.
        cursorPort = display.startX11vnc(LIMIT, "-nopw", "-forever", "-shared", "-noncache", "-noxrecord",
                "-cursor", "arrow");
    }

    @AfterAll
    static void stopServers() {
        if (display != null) {
            display.close();
        }
    }

    @AfterEach
    void noLeaks() {
        Await.noLeaksThenClose(pool);
    }

    private RfbSettings settings() {
        return RfbSettings.of("127.0.0.1", port).withPassword(PASSWORD).withTimeoutMillis(30_000);
    }

    /**
     * Takes events until one shows exactly {@code expected}, checking on the way that every change
     * between two events lies inside the later one's damage.
     */
    static FrameEvent untilMatch(Events events, XwdImage expected, List<FrameEvent> seen) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        FrameEvent previous = null;
        String last = null;
        try {
            while (System.nanoTime() < deadline) {
                FrameEvent event = events.next(LIMIT);
                seen.add(event);
                if (previous != null && !event.isFormatChange()) {
                    String undamaged = FrameCompare.undamagedChanges(previous.frame(), event.frame(), event.damage());
                    assertThat(undamaged).as("changes outside the damage").isNull();
                }
                if (previous != null) {
                    previous.release();
                }
                last = FrameCompare.differences(event.frame(), expected);
                if (last == null) {
                    return event;
                }
                previous = event;
            }
        } catch (RuntimeException | AssertionError e) {
            if (previous != null) {
                previous.release();
            }
            throw e;
        }
        if (previous != null) {
            previous.release();
        }
        throw new AssertionError("no frame matched the screen within " + LIMIT + "; last: " + last);
    }

    @ParameterizedTest(name = "encodings={0}")
    @ValueSource(strings = {"raw", "rre", "hextile", "zrle", "copyrect,zrle,hextile,rre,raw"})
    void eachEncodingShowsExactlyWhatXwdSees(String encodings) throws Exception {
        XwdImage screen = display.screenshot();
        RfbSource source = RfbSource.open(settings().withEncodings(encodings), pool, meters);
        List<FrameEvent> seen = new ArrayList<>();
        try (Events events = new Events(source.frames())) {
            FrameEvent match = untilMatch(events, screen, seen);
            assertThat(seen.get(0).formatChange()).contains(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
            match.release();
        }
    }

    @Test
    void drawingShowsUpWithExactDamage() throws Exception {
        RfbSource source = RfbSource.open(settings().withFps(30), pool, meters);
        List<FrameEvent> seen = new ArrayList<>();
        try (Events events = new Events(source.frames())) {
            untilMatch(events, display.screenshot(), seen).release();
            int before = seen.size();
            // Change what is outside the picture's window: the root's colour.
            display.run("xsetroot", "-solid", "#cc3300");
            XwdImage changed = display.screenshot();
            assertThat(changed.rgb(WIDTH - 1, HEIGHT - 1)).isEqualTo(0xcc3300);
            FrameEvent match = untilMatch(events, changed, seen);
            // The picture's window did not change, so at least one event after the change was partial.
            assertThat(seen.subList(before, seen.size())).anySatisfy(e ->
                    assertThat(e.damage().isWhole()).isFalse());
            match.release();
        }
    }

    @Test
    void thePointersShapeComesAsItsOwnEvent() {
        RfbSettings settings = RfbSettings.of("127.0.0.1", cursorPort).withCursor(true).withTimeoutMillis(30_000);
        RfbSource source = RfbSource.open(settings, pool, meters);
        try (Events events = new Events(source.frames())) {
            events.next(LIMIT).release();
            CursorImage cursor = source.cursorImages().blockFirst(LIMIT);
            assertThat(cursor).isNotNull();
            assertThat(cursor.isHidden()).isFalse();
            // x11vnc's arrow: some opaque pixels, some transparent, hotspot inside.
            assertThat(java.util.Arrays.stream(cursor.argb()).map(p -> p >>> 24).distinct().sorted().toArray())
                    .containsExactly(0, 0xff);
            assertThat(cursor.hotspotX()).isBetween(0, cursor.width() - 1);
            assertThat(cursor.hotspotY()).isBetween(0, cursor.height() - 1);
        }
    }

    @Test
    void aWrongPasswordIsRefusedByTheRealServer() {
        RfbSource source = RfbSource.open(settings().withPassword("not-it"), pool, meters);
        StepVerifier.create(source.frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RfbAuthenticationException.class)
                        .hasMessageStartingWith("the VNC server refused the password (SecurityResult 1)"))
                .verify(LIMIT);
    }
}
