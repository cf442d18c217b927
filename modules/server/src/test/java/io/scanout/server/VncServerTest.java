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

    @Test
    void withTheServersCertificateTheVncPortOffersVeNCrypt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path cert = dir.resolve("cert.pem");
        java.nio.file.Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost")
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && openssl.exitValue() == 0)
                .as(output).isTrue();
        VncSettings vnc = new VncSettings(Optional.of(new BindAddress("127.0.0.1", 0)), Optional.of("pw-12345"),
                Optional.empty());
        ServerSettings settings = new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("desk", "synthetic:320x240@15", Scaling.none(), EncoderSettings.builder().build(),
                        ViewerLimits.defaults())), vnc)
                .withSecurity(io.scanout.transport.security.SecuritySettings.builder()
                        .tls(io.scanout.transport.security.TlsSettings.load(cert, key)).build());
        try (ScanoutServer server = ScanoutServer.start(settings);
             java.net.Socket socket = new java.net.Socket("127.0.0.1", server.vncPort().orElseThrow())) {
            socket.setSoTimeout(20_000);
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            byte[] version = new byte[12];
            in.readFully(version);
            assertThat(new String(version, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
            socket.getOutputStream().write(version);
            byte[] types = new byte[in.readUnsignedByte()];
            in.readFully(types);
            // VeNCrypt (19) beside VNC Authentication (2): TLS with the certificate --tls-cert names.
            assertThat(types).contains((byte) 19, (byte) 2);
        }
    }
}
