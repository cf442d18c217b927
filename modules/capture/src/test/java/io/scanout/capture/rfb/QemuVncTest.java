package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.QemuGuest;
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

/**
 * QEMU's own VNC server, in front of a guest (Debian's kernel, busybox, vesafb) that draws colour
 * bars into its framebuffer ({@link QemuGuest#rgb}): captured frames must equal QEMU's {@code screendump} of the
 * still screen, pixel for pixel. TCG, so no KVM is needed; skipped when QEMU, the kernel or a
 * static busybox is not installed.
 */
class QemuVncTest {
    private static final Duration BOOT = Duration.ofMinutes(4);

    @TempDir
    static Path dir;
    private static QemuGuest guest;

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "qemu");

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

    private RfbSettings settings() {
        return RfbSettings.of("127.0.0.1", guest.vncPort()).withTimeoutMillis(60_000);
    }

    @ParameterizedTest(name = "encodings={0}")
    @ValueSource(strings = {"zrle", "hextile", "raw"})
    void framesEqualQemusScreendump(String encodings) throws Exception {
        XwdImage screen = guest.screendump();
        assertThat(screen.width()).isEqualTo(1024);
        assertThat(screen.rgb(700, 300)).as("the guest's bars").isEqualTo(QemuGuest.rgb(700, 300));
        assertThat(screen.rgb(700, 700)).as("the guest's blocks").isEqualTo(QemuGuest.rgb(700, 700));
        RfbSource source = RfbSource.open(settings().withEncodings(encodings), pool, meters);
        List<FrameEvent> seen = new ArrayList<>();
        try (Events events = new Events(source.frames())) {
            FrameEvent match = X11vncTest.untilMatch(events, screen, seen);
            assertThat(seen.get(0).formatChange()).contains(new VideoFormat(DrmFormat.XR24, 1024, 768));
            match.release();
        }
    }

    @Test
    void whatTheGuestDrawsArrivesWithItsDamage() throws Exception {
        RfbSource source = RfbSource.open(settings(), pool, meters);
        List<FrameEvent> seen = new ArrayList<>();
        try (Events events = new Events(source.frames())) {
            X11vncTest.untilMatch(events, guest.screendump(), seen).release();
            int before = seen.size();
            // A black band across rows 100..299 (3072 bytes a row at 24 bits per pixel).
            guest.shell("dd if=/dev/zero of=/dev/fb0 bs=3072 seek=100 count=200 2>/dev/null", BOOT);
            XwdImage drawn = guest.screendump();
            assertThat(drawn.rgb(500, 200)).isZero();
            FrameEvent match = X11vncTest.untilMatch(events, drawn, seen);
            assertThat(seen.subList(before, seen.size())).anySatisfy(e -> {
                assertThat(e.damage().isWhole()).isFalse();
                assertThat(e.damage().area(1024, 768)).isLessThan(1024L * 768);
            });
            match.release();
        }
    }
}
