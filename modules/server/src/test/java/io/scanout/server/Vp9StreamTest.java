package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Codec;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.VideoDecoder;
import io.scanout.server.cli.BindAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --encoder vp9}: the viewer protocol carries VP9 as it carries H.264, and FFmpeg decodes it. */
class Vp9StreamTest {
    @Test
    void aVp9StreamReachesTheViewerDecodable() {
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("vp9", "synthetic:320x240@15",
                        EncoderSettings.builder().encoder(EncoderChoice.VP9).bitrate(1_000_000).build()))))) {
            ViewerClient.Session session = ViewerClient.watch(server.port(), "vp9", 5, Duration.ofSeconds(60));
            assertThat(session.firstConfig().codecId()).isEqualTo(Codec.VP9.wireId());
            assertThat(session.firstConfig().codecString()).startsWith("vp09.");
            assertThat(session.packets().get(0).keyframe()).isTrue();
            List<DecodedPicture> pictures = new ArrayList<>();
            try (VideoDecoder decoder = VideoDecoder.forCodec(Codec.VP9)) {
                for (ViewerClient.Packet p : session.packets()) {
                    pictures.addAll(decoder.decode(p.payload()));
                }
                pictures.addAll(decoder.flush());
            }
            assertThat(pictures).hasSize(session.packets().size())
                    .allSatisfy(p -> assertThat(p.width()).isEqualTo(320));
        }
    }
}
