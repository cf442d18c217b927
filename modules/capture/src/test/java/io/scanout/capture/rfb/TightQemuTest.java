package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.QemuGuest;
import io.scanout.capture.x11.XwdImage;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * QEMU's own Tight encoder (vnc-enc-tight.c), in front of the test guest's colour bars and
 * blocks, offered only Tight and Raw: the frames must equal what Raw gives and QEMU's
 * {@code screendump}, pixel for pixel. Skipped where QEMU, a kernel or busybox is missing.
 */
class TightQemuTest {
    private static final Duration BOOT = Duration.ofMinutes(4);

    @TempDir
    static Path dir;
    private static QemuGuest guest;

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "qemu-tight");

    @BeforeAll
    static void boot() throws Exception {
        guest = QemuGuest.bootOrSkip(dir, BOOT);
        X11vncTest.awaitPort(guest.vncPort());
    }

    @AfterAll
    static void shutDown() {
        if (guest != null) {
            guest.close();
        }
    }

    @AfterEach
    void noLeaks() {
        Await.noOutstandingFrames(pool);
        Await.threadsGone("scanout-rfb-");
        pool.close();
    }

    private RfbSettings settings(String encodings) {
        return RfbSettings.of("127.0.0.1", guest.vncPort()).withEncodings(encodings).withTimeoutMillis(60_000);
    }

    @Test
    void tightFramesEqualRawFramesAndTheScreendump() throws Exception {
        XwdImage screen = guest.screendump();
        assertThat(screen.rgb(700, 300)).as("the guest's bars").isEqualTo(QemuGuest.rgb(700, 300));
        ch.qos.logback.classic.Logger tightLog =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(TightDecoder.class);
        tightLog.setLevel(Level.DEBUG);
        try (LogCapture logs = new LogCapture(TightDecoder.class)) {
            try (Events events = new Events(RfbSource.open(settings("tight,raw"), pool, meters).frames())) {
                X11vncTest.untilMatch(events, screen, new ArrayList<>()).release();
                // The bars are flat (Fill); a band of noise (rows 100..149) makes QEMU send full-colour pixels.
                guest.shell("dd if=/dev/urandom of=/dev/fb0 bs=3072 seek=100 count=50 2>/dev/null", BOOT);
                screen = guest.screendump();
                X11vncTest.untilMatch(events, screen, new ArrayList<>()).release();
            }
            assertThat(logs.messages()).as("QEMU sent Tight")
                    .anyMatch(m -> m.startsWith("first Tight Fill"))
                    .anyMatch(m -> m.startsWith("first Tight Copy"))
                    .noneMatch(m -> m.contains("JPEG"));
        } finally {
            tightLog.setLevel(null);
        }
        try (Events events = new Events(RfbSource.open(settings("raw"), pool, meters).frames())) {
            X11vncTest.untilMatch(events, screen, new ArrayList<>()).release();
        }
    }
}
