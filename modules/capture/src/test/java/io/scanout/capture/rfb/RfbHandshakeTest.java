package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Protocol versions and security types, each against a server that checks what the client says. */
class RfbHandshakeTest {
    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "test");

    @AfterEach
    void noLeaks() {
        Await.noOutstandingFrames(pool);
        Await.threadsGone("scanout-rfb-");
        pool.close();
    }

    /** A server of this version and security type, whose ServerInit is 2x1 and whose first update is one pixel. */
    private static FakeRfbServer.Script server(String version, String expectedAnswer, int security, String password) {
        return c -> {
            FakeRfbServer.Connection.expect(c.version(version).equals(expectedAnswer) ? 1 : 0, 1,
                    "client's answer to " + version + " is " + expectedAnswer);
            boolean v33 = expectedAnswer.equals("RFB 003.003");
            if (v33) {
                c.send(new Wire().u32(security));
            } else {
                c.send(new Wire().u8(2).u8(security == 2 ? 2 : 1).u8(16));
                FakeRfbServer.Connection.expect(c.in.readUnsignedByte(), security, "chosen security type");
            }
            boolean ok = true;
            if (security == 2) {
                byte[] challenge = new byte[16];
                for (int i = 0; i < 16; i++) {
                    challenge[i] = (byte) (i * 17 + 3);
                }
                c.send(challenge);
                byte[] response = new byte[16];
                c.in.readFully(response);
                ok = Arrays.equals(response, VncAuth.response(password, challenge));
            }
            if (security == 2 || expectedAnswer.equals("RFB 003.008")) {
                c.send(new Wire().u32(ok ? 0 : 1));
                if (!ok && expectedAnswer.equals("RFB 003.008")) {
                    byte[] reason = "Authentication failed".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    c.send(new Wire().u32(reason.length).bytes(reason));
                }
                if (!ok) {
                    return;
                }
            }
            c.in.readUnsignedByte();
            c.serverInit(2, 1, PixelFormat.BGRX, "versions");
            c.setup();
            c.until(3);
            c.send(new Wire().update(1).rect(0, 0, 2, 1, Encodings.RAW).pixel(0xabcdef).pixel(0x123456));
            c.drain();
        };
    }

    @ParameterizedTest(name = "{0} answered with {1}, security {2}")
    @CsvSource({
        "RFB 003.003, RFB 003.003, 1",
        "RFB 003.003, RFB 003.003, 2",
        "RFB 003.005, RFB 003.003, 1",
        "RFB 003.007, RFB 003.007, 1",
        "RFB 003.007, RFB 003.007, 2",
        "RFB 003.008, RFB 003.008, 1",
        "RFB 003.008, RFB 003.008, 2",
        "RFB 003.889, RFB 003.008, 2",
        "RFB 004.001, RFB 003.008, 1",
    })
    void speaksEachVersionAndSecurityType(String version, String answer, int security) throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(server(version, answer, security, "pass word"))) {
            RfbSettings settings = server.settings().withPassword(security == 2 ? "pass word" : null);
            StepVerifier.create(RfbSource.open(settings, pool, meters).frames().take(1))
                    .assertNext(e -> {
                        assertThat(RfbSourceTest.rgb(e.frame(), 0, 0)).isEqualTo(0xabcdef);
                        assertThat(RfbSourceTest.rgb(e.frame(), 1, 0)).isEqualTo(0x123456);
                        e.release();
                    })
                    .verifyComplete();
            assertThat(server.failures).isEmpty();
        }
    }

    @Test
    void aWrongPasswordEndsTheFluxWithTheServersReason() throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(server("RFB 003.008", "RFB 003.008", 2, "right"))) {
            StepVerifier.create(RfbSource.open(server.settings().withPassword("wrong"), pool, meters).frames())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RfbAuthenticationException.class)
                            .hasMessage("the VNC server refused the password (SecurityResult 1): Authentication failed"))
                    .verify(Duration.ofSeconds(10));
            assertThat(server.connections()).isOne();
        }
    }

    @Test
    void aWrongPasswordOnRfb33HasNoReason() throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(server("RFB 003.003", "RFB 003.003", 2, "right"))) {
            StepVerifier.create(RfbSource.open(server.settings().withPassword("wrong"), pool, meters).frames())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RfbAuthenticationException.class)
                            .hasMessage("the VNC server refused the password (SecurityResult 1)"))
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void aServerThatWantsAPasswordWeLackSaysSo() throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.version("RFB 003.008");
            c.send(new Wire().u8(1).u8(2));
            c.drain();
        })) {
            StepVerifier.create(RfbSource.open(server.settings(), pool, meters).frames())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RfbAuthenticationException.class)
                            .hasMessage("the VNC server asks for a password (VNC Authentication) and the source URI"
                                    + " gives none: add ?password=…"))
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void noCommonSecurityTypeIsNamed() throws Exception {
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            c.version("RFB 003.008");
            c.send(new Wire().u8(2).u8(16).u8(19));
            c.drain();
        })) {
            StepVerifier.create(RfbSource.open(server.settings(), pool, meters).frames())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RfbAuthenticationException.class)
                            .hasMessage("the VNC server offers security types [16, 19]; this client speaks None (1)"
                                    + " and VNC Authentication (2)"))
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void aServerThatRefusesWithAReasonIsTriedAgain() throws Exception {
        byte[] reason = "Too many connections".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        try (LogCapture log = new LogCapture(RfbSession.class);
             FakeRfbServer server = new FakeRfbServer(
                     c -> {
                         c.version("RFB 003.008");
                         c.send(new Wire().u8(0).u32(reason.length).bytes(reason));
                     },
                     server("RFB 003.008", "RFB 003.008", 1, null))) {
            StepVerifier.create(RfbSource.open(server.settings(), pool, meters).frames().take(1))
                    .consumeNextWith(FrameEvent::release)
                    .verifyComplete();
            assertThat(server.connections()).isEqualTo(2);
            assertThat(log.contains("connection lost (the VNC server refused the connection: Too many connections)"))
                    .as(log.messages().toString()).isTrue();
        }
    }

    @Test
    void somethingThatIsNotAVncServerIsNamed() throws Exception {
        try (LogCapture log = new LogCapture(RfbSession.class);
             FakeRfbServer server = new FakeRfbServer(c -> {
                 c.send("HTTP/1.1 400\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                 c.drain();
             })) {
            StepVerifier.create(RfbSource.open(server.settings(), pool, meters).frames())
                    .then(() -> Await.until(() -> server.connections() >= 2, () -> "no second attempt"))
                    .thenCancel()
                    .verify(Duration.ofSeconds(10));
            assertThat(log.contains("not an RFB server: it greeted with 'HTTP/1.1 400'")).as(log.messages().toString())
                    .isTrue();
        }
    }
}
