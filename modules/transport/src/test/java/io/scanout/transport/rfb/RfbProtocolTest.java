package io.scanout.transport.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContextBuilder;
import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.DrmFormat;
import io.scanout.core.Rect;
import io.scanout.transport.security.ConnectionLimits;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFB server against a bare client that sends what a test wants, good or bad: pixel formats,
 * malformed and oversized messages, wrong passwords, None from a non-loopback address, VeNCrypt.
 */
class RfbProtocolTest {
    private static final int WIDTH = 140;
    private static final int HEIGHT = 90;

    @TempDir
    Path dir;
    private final SyntheticEndpoint stream = new SyntheticEndpoint("desk", WIDTH, HEIGHT, 10, DrmFormat.XR24);
    private RfbServer server;

    @AfterEach
    void stop() {
        stream.closeAndAwaitFramesBack();
    }

    private RawRfbClient client(RfbSecurity security) throws Exception {
        if (server == null) {
            server = stream.serve("127.0.0.1", security);
        }
        return new RawRfbClient("127.0.0.1", server.port());
    }

    @Test
    void serverInitNamesTheStreamAndItsSize() throws Exception {
        try (RawRfbClient c = client(RfbSecurity.loopbackOnly())) {
            c.connectWithNone();
            assertThat(c.name).isEqualTo("desk");
            assertThat(c.width).isEqualTo(WIDTH);
            assertThat(c.height).isEqualTo(HEIGHT);
        }
    }

    /** Each bar's middle pixel in the client's own pixel format: 16 and 32 bits, both byte orders. */
    @Test
    void rawPicturesInTheClientsPixelFormat() throws Exception {
        int[][] formats = {
            // bpp, depth, bigEndian, rMax, gMax, bMax, rShift, gShift, bShift
            {16, 16, 0, 31, 63, 31, 11, 5, 0},
            {16, 16, 1, 31, 63, 31, 11, 5, 0},
            {32, 24, 1, 255, 255, 255, 16, 8, 0},
            {32, 24, 0, 255, 255, 255, 0, 8, 16},
        };
        SyntheticPattern pattern = stream.pattern();
        for (int[] f : formats) {
            try (RawRfbClient c = client(RfbSecurity.loopbackOnly())) {
                c.connectWithNone();
                c.setPixelFormat(f[0], f[1], f[2] == 1, f[3], f[4], f[5], f[6], f[7], f[8]);
                c.setEncodings(0);
                c.request(false, 0, 0, WIDTH, HEIGHT);
                List<RawRfbClient.Rectangle> rects = c.readUpdate(f[0] / 8);
                assertThat(rects).hasSize(1);
                RawRfbClient.Rectangle r = rects.get(0);
                assertThat(r.encoding()).isZero();
                assertThat(new Rect(r.x(), r.y(), r.width(), r.height())).isEqualTo(new Rect(0, 0, WIDTH, HEIGHT));
                for (int bar = 0; bar < SyntheticPattern.BAR_COUNT; bar++) {
                    Rect b = pattern.barRect(bar);
                    int x = b.x() + b.width() / 2;
                    int y = b.height() / 2;
                    int at = (y * WIDTH + x) * (f[0] / 8);
                    long value = 0;
                    for (int i = 0; i < f[0] / 8; i++) {
                        int byteValue = r.raw()[at + i] & 0xff;
                        value |= (long) byteValue << (8 * (f[2] == 1 ? f[0] / 8 - 1 - i : i));
                    }
                    int rgb = pattern.barColorRgb(bar);
                    long want = (long) scale(rgb >> 16 & 0xff, f[3]) << f[6] | (long) scale(rgb >> 8 & 0xff, f[4]) << f[7]
                            | (long) scale(rgb & 0xff, f[5]) << f[8];
                    assertThat(value).as("bar %d in format %s", bar, java.util.Arrays.toString(f)).isEqualTo(want);
                }
            }
        }
    }

    /** A client of pictures points in the captured picture's pixels, so its input takes the unscaled way. */
    @Test
    void aPictureClientsInputGoesToTheSourceInPicturePixels() throws Exception {
        try (RawRfbClient c = client(RfbSecurity.loopbackOnly())) {
            c.connectWithNone();
            c.setEncodings(0);
            c.request(false, 0, 0, WIDTH, HEIGHT);
            c.readUpdate(4);
            c.out.write(new byte[] {5, 1, 0, 10, 0, 20}); // PointerEvent: left button at 10,20
            c.out.write(new byte[] {4, 1, 0, 0, 0, 0, 0, 0x61}); // KeyEvent: 'a' down
            c.out.flush();
            RfbServerTest.await(() -> stream.inputs.size() == 2, "input seen: " + stream.inputs);
            assertThat(stream.inputs).containsExactly("picture pointer 10,20,1", "picture key 97,true");
        }
    }

    @Test
    void connectionsPastTheLimitOfOneAddressAreClosedAtOnceWhileTheOthersWork() throws Exception {
        server = stream.serve("127.0.0.1", RfbSecurity.loopbackOnly(), new ConnectionLimits(2, 100));
        try (java.net.Socket first = new java.net.Socket("127.0.0.1", server.port());
             java.net.Socket second = new java.net.Socket("127.0.0.1", server.port());
             java.net.Socket third = new java.net.Socket("127.0.0.1", server.port())) {
            for (java.net.Socket s : List.of(first, second, third)) {
                s.setSoTimeout(20_000);
            }
            // The server may take the three in any order: two are answered, one is closed unanswered.
            List<String> outcomes = new java.util.ArrayList<>();
            for (java.net.Socket s : List.of(first, second, third)) {
                byte[] version = new byte[12];
                int read = s.getInputStream().readNBytes(version, 0, version.length);
                outcomes.add(read == 0 ? "closed"
                        : new String(version, 0, read, java.nio.charset.StandardCharsets.US_ASCII));
            }
            assertThat(outcomes).containsExactlyInAnyOrder("RFB 003.008\n", "RFB 003.008\n", "closed");
        }
        // Places come back when connections close.
        try (RawRfbClient again = new RawRfbClient("127.0.0.1", server.port())) {
            again.connectWithNone();
            assertThat(again.name).isEqualTo("desk");
        }
    }

    private static int scale(int component, int max) {
        return (component * max + 127) / 255;
    }

    @Test
    void malformedMessagesCloseThatClientOnly() throws Exception {
        try (RawRfbClient good = client(RfbSecurity.loopbackOnly())) {
            good.connectWithNone();
            good.setEncodings(0);
            byte[][] bad = {
                {99},                                                  // unknown message type
                {2, 0, (byte) 0xff, (byte) 0xff},                      // SetEncodings of 65535 encodings
                {6, 0, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // ClientCutText of 2 GiB
                {0, 0, 0, 0, 24, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 16, 8, 0, 0, 0, 0}, // 24 bpp
                {0, 0, 0, 0, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // colour map
            };
            for (byte[] message : bad) {
                try (RawRfbClient c = client(RfbSecurity.loopbackOnly())) {
                    c.connectWithNone();
                    c.out.write(message);
                    c.out.flush();
                    assertThat(c.closedByServer()).as("closed after %s", java.util.Arrays.toString(message)).isTrue();
                }
            }
            try (RawRfbClient c = client(RfbSecurity.loopbackOnly())) {
                c.out.write("HTTP/1.1 GET".getBytes());
                c.out.flush();
                assertThat(c.closedByServer()).as("closed after a wrong version").isTrue();
            }
            // The well-behaved client was never disturbed.
            good.request(false, 0, 0, WIDTH, HEIGHT);
            assertThat(good.readUpdate(4)).isNotEmpty();
        }
    }

    @Test
    void wrongPasswordIsRefusedWithAReason() throws Exception {
        try (RawRfbClient c = client(RfbSecurity.loopbackOnly().withPassword("right"))) {
            assertThat(c.version()).containsExactly(RfbSession.SECURITY_VNC);
            c.out.writeByte(RfbSession.SECURITY_VNC);
            c.out.flush();
            byte[] challenge = new byte[16];
            c.in.readFully(challenge);
            c.out.write(VncPassword.response("wrong", challenge));
            c.out.flush();
            assertThat(c.in.readInt()).isEqualTo(1);
            assertThat(c.reason()).contains("wrong VNC password");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void noneIsRefusedOffLoopback() throws Exception {
        Optional<InetAddress> local = nonLoopbackAddress();
        if (local.isPresent()) {
            // A real non-loopback connection: the server listens on that address and the client comes from it.
            server = stream.serve(local.get().getHostAddress(), RfbSecurity.loopbackOnly());
            try (RawRfbClient c = new RawRfbClient(local.get().getHostAddress(), server.port())) {
                assertThat(c.version()).isEmpty();
                assertThat(c.reason()).contains("only on loopback").contains("--vnc-password");
                assertThat(c.closedByServer()).isTrue();
            }
            server.close();
            server = null;
        }
        // And with the address test injected, on loopback.
        try (RawRfbClient c = client(RfbSecurity.loopbackOnly().withTrusted(address -> false))) {
            assertThat(c.version()).isEmpty();
            assertThat(c.reason()).contains("only on loopback");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    /** VeNCrypt X509Vnc: TLS with a certificate made here by keytool, then VNC Authentication inside it. */
    @Test
    void vencryptTlsThenVncAuthentication() throws Exception {
        Path keystore = dir.resolve("rfb.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "rfb", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(output).isTrue();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        RfbSecurity security = RfbSecurity.loopbackOnly().withPassword("tlspass")
                .withTls(SslContextBuilder.forServer(kmf).build());

        try (RawRfbClient c = client(security)) {
            assertThat(c.version()).containsExactly(RfbSession.SECURITY_VENCRYPT, RfbSession.SECURITY_VNC);
            c.out.writeByte(RfbSession.SECURITY_VENCRYPT);
            c.out.flush();
            assertThat(new byte[] {c.in.readByte(), c.in.readByte()}).containsExactly(0, 2);
            c.out.write(new byte[] {0, 2});
            c.out.flush();
            assertThat(c.in.readUnsignedByte()).isZero();
            int count = c.in.readUnsignedByte();
            List<Integer> subtypes = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                subtypes.add(c.in.readInt());
            }
            assertThat(subtypes).contains(RfbSession.VENCRYPT_X509_VNC);
            c.out.writeInt(RfbSession.VENCRYPT_X509_VNC);
            c.out.flush();
            assertThat(c.in.readUnsignedByte()).isEqualTo(1);

            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new TrustEverything()}, null);
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(c.socket, "localhost", server.port(), true);
            secure.startHandshake();
            assertThat(secure.getSession().getPeerCertificates()[0].toString()).contains("CN=localhost");
            c.use(secure.getInputStream(), secure.getOutputStream());
            byte[] challenge = new byte[16];
            c.in.readFully(challenge);
            c.out.write(VncPassword.response("tlspass", challenge));
            c.out.flush();
            c.securityResultOk();
            c.init();
            assertThat(c.name).isEqualTo("desk");
            c.setEncodings(0);
            c.request(false, 0, 0, WIDTH, HEIGHT);
            assertThat(c.readUpdate(4)).hasSize(1);
        }
    }

    /** For the test's TLS client only: the certificate was made a moment ago by the test itself. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
