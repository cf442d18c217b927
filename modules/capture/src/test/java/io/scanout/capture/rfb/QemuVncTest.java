package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.testing.Events;
import io.scanout.capture.testing.QemuGuest;
import io.scanout.capture.testing.QemuGuestExtension;
import io.scanout.capture.x11.XwdImage;
import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * QEMU's own VNC server, in front of a guest (Debian's kernel, busybox, vesafb) that draws colour
 * bars into its framebuffer ({@link QemuGuest#rgb}): captured frames must equal QEMU's {@code screendump} of the
 * still screen, pixel for pixel. TCG, so no KVM is needed; skipped when QEMU, the kernel or a
 * static busybox is not installed.
 */
class QemuVncTest {
    /** How long a command in the guest's shell may take: TCG, on a machine other tests share. */
    private static final Duration SHELL = Duration.ofMinutes(4);

    @RegisterExtension
    static final QemuGuestExtension qemu = new QemuGuestExtension();

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "qemu");

    @AfterEach
    void noLeaks() {
        Await.noLeaksThenClose(pool);
    }

    private RfbSettings settings() {
        return RfbSettings.of("127.0.0.1", qemu.vncPort()).withTimeoutMillis(60_000);
    }

    @ParameterizedTest(name = "encodings={0}")
    @ValueSource(strings = {"zrle", "hextile", "raw"})
    void framesEqualQemusScreendump(String encodings) throws Exception {
        XwdImage screen = qemu.guest().screendump();
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
            X11vncTest.untilMatch(events, qemu.guest().screendump(), seen).release();
            int before = seen.size();
            // A black band across rows 100..299 (3072 bytes a row at 24 bits per pixel).
            qemu.guest().shell("dd if=/dev/zero of=/dev/fb0 bs=3072 seek=100 count=200 2>/dev/null", SHELL);
            XwdImage drawn = qemu.guest().screendump();
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
