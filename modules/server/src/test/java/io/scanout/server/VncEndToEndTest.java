package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.testing.QemuGuest;
import io.scanout.capture.testing.QemuGuestExtension;
import io.scanout.capture.x11.XwdImage;
import io.scanout.core.Rect;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.H264Decoder;
import io.scanout.server.cli.BindAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code scanout serve --source vnc://127.0.0.1:59NN} in front of QEMU's own VNC server (a TCG
 * guest: Debian's kernel, busybox, vesafb showing {@link QemuGuest#rgb colour bars}): what a
 * viewer decodes matches QEMU's {@code screendump} of the still screen, PSNR ≥ 35 dB. The screen
 * never changes, so QEMU sends nothing after the first update: the viewer's keyframe comes from
 * the change-detection stage's keep-alive repeating the last frame. Skipped when QEMU, the kernel
 * or a static busybox is not installed.
 */
class VncEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final QemuGuestExtension qemu = new QemuGuestExtension();

    @Test
    void aViewerSeesTheGuestsScreenAsQemuDumpsIt() throws Exception {
        QemuGuest guest = qemu.guest();
        XwdImage screen = guest.screendump();
        assertThat(screen.rgb(64, 64)).as("the guest drew its bars").isEqualTo(QemuGuest.rgb(64, 64));
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0),
                List.of(new StreamSettings("guest", "vnc://127.0.0.1:" + guest.vncPort(),
                        EncoderSettings.builder().build()))))) {
            // The viewer joins after the first update went by; keep-alives come once a second.
            ViewerClient.Session session = ViewerClient.watch(server.port(), "guest", 3, TIMEOUT);
            assertThat(session.firstConfig().width()).isEqualTo(screen.width());
            assertThat(session.firstConfig().height()).isEqualTo(screen.height());
            List<DecodedPicture> pictures = decode(session);
            assertThat(pictures).hasSize(session.packets().size());
            assertThat(guest.screendump().rgb(700, 700)).as("the screen stayed still")
                    .isEqualTo(screen.rgb(700, 700));
            for (DecodedPicture picture : pictures) {
                assertThat(picture.width()).isEqualTo(screen.width());
                assertThat(picture.height()).isEqualTo(screen.height());
                assertThat(picture.corrupt()).isFalse();
                // The whole frame: every colour edge of the guest's picture lies on a multiple of 128
                // pixels, so on macroblock and 4:2:0 chroma-sample boundaries, and nothing is excluded.
                assertThat(Images.psnr(screen::rgb, picture, new Rect(0, 0, screen.width(), screen.height())))
                        .as("PSNR of the whole frame").isGreaterThanOrEqualTo(35.0);
                // And each flat area on its own, so one bad area cannot hide in the average — inset by
                // 8 pixels: even on chroma-sample boundaries, the encoder's chroma (half resolution,
                // quantised) rings a few pixels into a saturated neighbour (cyan next to green
                // measured 33 dB with the edges in, 2-3 levels off at the centre).
                for (Rect area : areas()) {
                    assertThat(Images.psnr(screen::rgb, picture, area)).as("PSNR of %s (expected %06x, decoded %06x at its centre)", area,
                            screen.rgb(area.x() + area.width() / 2, area.y() + area.height() / 2),
                            picture.rgb(area.x() + area.width() / 2, area.y() + area.height() / 2)).isGreaterThanOrEqualTo(35.0);
                }
            }
        }
    }

    /** The bars and blocks of {@link QemuGuest#rgb}, each one flat colour. */
    private static List<Rect> areas() {
        List<Rect> areas = new ArrayList<>();
        for (int bar = 0; bar < QemuGuest.BARS.length; bar++) {
            areas.add(Images.inset(new Rect(bar * 128, 0, 128, 512), 8));
        }
        for (int block = 0; block < QemuGuest.BLOCKS.length; block++) {
            areas.add(Images.inset(new Rect(block * 256, 512, 256, QemuGuest.HEIGHT - 512), 8));
        }
        return areas;
    }

    private static List<DecodedPicture> decode(ViewerClient.Session session) {
        List<DecodedPicture> pictures = new ArrayList<>();
        try (H264Decoder decoder = new H264Decoder()) {
            for (ViewerClient.Packet p : session.packets()) {
                pictures.addAll(decoder.decode(p.payload()));
            }
            pictures.addAll(decoder.flush());
        }
        return pictures;
    }
}
