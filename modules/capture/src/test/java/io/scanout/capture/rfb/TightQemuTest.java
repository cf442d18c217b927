package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.Events;
import io.scanout.capture.testing.QemuGuest;
import io.scanout.capture.testing.QemuGuestExtension;
import io.scanout.capture.x11.XwdImage;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * QEMU's own Tight encoder (vnc-enc-tight.c), in front of the test guest's colour bars and
 * blocks, offered only Tight and Raw: the frames must equal what Raw gives and QEMU's
 * {@code screendump}, pixel for pixel. Skipped where QEMU, a kernel or busybox is missing.
 */
class TightQemuTest {
    /** How long a command in the guest's shell may take: TCG, on a machine other tests share. */
    private static final Duration SHELL = Duration.ofMinutes(4);

    @RegisterExtension
    static final QemuGuestExtension qemu = new QemuGuestExtension();

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "qemu-tight");

    @AfterEach
    void noLeaks() {
        Await.noLeaksThenClose(pool);
    }

    private RfbSettings settings(String encodings) {
        return RfbSettings.of("127.0.0.1", qemu.vncPort()).withEncodings(encodings).withTimeoutMillis(60_000);
    }

    @Test
    void tightFramesEqualRawFramesAndTheScreendump() throws Exception {
        XwdImage screen = qemu.guest().screendump();
        assertThat(screen.rgb(700, 300)).as("the guest's bars").isEqualTo(QemuGuest.rgb(700, 300));
        ch.qos.logback.classic.Logger tightLog =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(TightDecoder.class);
        tightLog.setLevel(Level.DEBUG);
        try (LogCapture logs = new LogCapture(TightDecoder.class)) {
            try (Events events = new Events(RfbSource.open(settings("tight,raw"), pool, meters).frames())) {
                X11vncTest.untilMatch(events, screen, new ArrayList<>()).release();
                // The bars are flat (Fill); a band of noise (rows 100..149) makes QEMU send full-colour pixels.
                qemu.guest().shell("dd if=/dev/urandom of=/dev/fb0 bs=3072 seek=100 count=50 2>/dev/null", SHELL);
                screen = qemu.guest().screendump();
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
