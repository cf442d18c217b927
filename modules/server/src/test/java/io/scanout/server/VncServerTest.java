package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.rfb.RfbSettings;
import io.scanout.capture.rfb.RfbSource;
import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.convert.Scaling;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import io.scanout.transport.ViewerLimits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code --vnc-bind}: the whole server with its RFB server over TCP, watched by our own VNC client
 * in ZRLE — the pictures come through the stream's picture tap, after change detection.
 */
class VncServerTest {
    @Test
    void aVncClientSeesTheStreamsPicture() {
        VncSettings vnc = new VncSettings(Optional.of(new BindAddress("127.0.0.1", 0)), Optional.of("pw-12345"),
                Optional.of("desk"));
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("desk", "synthetic:320x240@15", Scaling.none(),
                        EncoderSettings.builder().build(), ViewerLimits.defaults())), vnc));
             FramePool clientPool = new FramePool()) {
            int port = server.vncPort().orElseThrow();
            RfbSource client = RfbSource.open(RfbSettings.of("127.0.0.1", port).withEncodings("zrle")
                    .withPassword("pw-12345"), clientPool, StreamMeters.noop());
            List<FrameEvent> events = client.frames().take(3).collectList().block(Duration.ofSeconds(60));
            try {
                Frame last = events.get(events.size() - 1).frame();
                assertThat(last.width()).isEqualTo(320);
                SyntheticPattern pattern = new SyntheticPattern(320, 240);
                for (int bar = 0; bar < SyntheticPattern.BAR_COUNT; bar++) {
                    Rect r = pattern.barRect(bar);
                    int x = r.x() + r.width() / 2;
                    int y = r.height() / 2;
                    int rgb = last.buffer().getInt((int) (last.layout().offset(0) + (long) y * last.layout().stride(0)
                            + 4L * x)) & 0xffffff;
                    assertThat(rgb).as("bar %d", bar).isEqualTo(pattern.barColorRgb(bar));
                }
            } finally {
                events.forEach(FrameEvent::release);
            }
        }
    }
}
