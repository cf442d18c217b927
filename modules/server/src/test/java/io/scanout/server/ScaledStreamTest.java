package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.convert.Scaling;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.H264Decoder;
import io.scanout.server.cli.BindAddress;
import io.scanout.transport.ViewerLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --max-size}: a 640×360 display reaches the viewer as 320×180, and decodes so. */
class ScaledStreamTest {
    @Test
    void aStreamScaledToFitDecodesAtTheSmallerSize() {
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("small", "synthetic:640x360@15", Scaling.fitInside(320, 200),
                        EncoderSettings.builder().build(), ViewerLimits.defaults()))))) {
            ViewerClient.Session session = ViewerClient.watch(server.port(), "small", 5, Duration.ofSeconds(60));
            assertThat(session.firstConfig().width()).isEqualTo(320);
            assertThat(session.firstConfig().height()).isEqualTo(180);
            List<DecodedPicture> pictures = new ArrayList<>();
            try (H264Decoder decoder = new H264Decoder()) {
                for (ViewerClient.Packet p : session.packets()) {
                    pictures.addAll(decoder.decode(p.payload()));
                }
                pictures.addAll(decoder.flush());
            }
            assertThat(pictures).isNotEmpty().allSatisfy(p -> assertThat(p.height()).isEqualTo(180));
        }
    }
}
