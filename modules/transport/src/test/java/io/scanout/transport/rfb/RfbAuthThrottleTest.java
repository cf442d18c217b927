package io.scanout.transport.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.DrmFormat;
import io.scanout.transport.security.AuthThrottle;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VNC Authentication against the real RFB server over TCP, with the throttle of wrong passwords on
 * a fake clock: five wrong passwords block the client's address, whose right password is then
 * refused with the time to wait (3.8) or a bare failure (3.7), while another address (127.0.0.2,
 * also loopback, a different client to the server) still gets in; once the wait is over the right
 * password works again.
 */
class RfbAuthThrottleTest {
    private static final String PASSWORD = "right-pw";
    private static final Pattern TRY_AGAIN = Pattern.compile("too many authentication failures, try again in (\\d+) s");

    private final SyntheticEndpoint stream = new SyntheticEndpoint("desk", 64, 48, 10, DrmFormat.XR24);
    private final AtomicLong now = new AtomicLong();
    private final AuthThrottle throttle = new AuthThrottle(AuthThrottle.Policy.DEFAULT, now::get);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RfbServer server;

    @BeforeEach
    void start() {
        throttle.bindTo(registry);
        server = stream.serve("127.0.0.1", RfbSecurity.loopbackOnly().withPassword(PASSWORD).withThrottle(throttle));
    }

    @AfterEach
    void stop() {
        stream.closeAndAwaitFramesBack();
    }

    /** The outcome of one VNC Authentication: the SecurityResult word and the reason, if any. */
    private record Outcome(int result, String reason) {
    }

    /** Connects from {@code localAddress}, speaks RFB 3.{@code minor}, answers the challenge with {@code password}. */
    private Outcome authenticate(String localAddress, int minor, String password) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            socket.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            in.readFully(new byte[12]);
            out.write(("RFB 003.00" + minor + "\n").getBytes(StandardCharsets.US_ASCII));
            int count = in.readUnsignedByte();
            byte[] types = new byte[count];
            in.readFully(types);
            assertThat(types).contains((byte) RfbSession.SECURITY_VNC);
            out.writeByte(RfbSession.SECURITY_VNC);
            out.flush();
            byte[] challenge = new byte[VncPassword.CHALLENGE_BYTES];
            in.readFully(challenge);
            out.write(VncPassword.response(password, challenge));
            out.flush();
            int result = in.readInt();
            if (result == 0) {
                out.writeByte(1); // ClientInit
                out.flush();
                assertThat(in.readUnsignedShort()).as("ServerInit's width").isEqualTo(64);
                return new Outcome(0, null);
            }
            String reason = null;
            if (minor == 8) {
                byte[] text = new byte[in.readInt()];
                in.readFully(text);
                reason = new String(text, StandardCharsets.UTF_8);
            }
            assertThat(closedByServer(in)).as("closed after the failure").isTrue();
            return new Outcome(result, reason);
        }
    }

    private static boolean closedByServer(DataInputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return true; // a reset: the server dropped the connection
        }
    }

    @Test
    void fiveWrongPasswordsBlockTheAddressUntilTheWaitItWasToldIsOver() throws IOException {
        for (int i = 0; i < AuthThrottle.Policy.DEFAULT_THRESHOLD; i++) {
            assertThat(authenticate("127.0.0.1", 8, "wrong")).isEqualTo(new Outcome(1, "wrong VNC password"));
        }
        // 3.7 has no reason in a failed SecurityResult: the bare failure, then the end.
        assertThat(authenticate("127.0.0.1", 7, PASSWORD)).isEqualTo(new Outcome(1, null));
        Outcome refused = authenticate("127.0.0.1", 8, PASSWORD);
        assertThat(refused.result()).isEqualTo(1);
        Matcher wait = TRY_AGAIN.matcher(refused.reason());
        assertThat(wait.matches()).as("reason '%s'", refused.reason()).isTrue();
        long seconds = Long.parseLong(wait.group(1));
        // 10 s after the fifth failure, doubled by each of the two attempts made while blocked.
        assertThat(seconds).isEqualTo(40);

        assertThat(authenticate("127.0.0.2", 8, PASSWORD)).as("another address").isEqualTo(new Outcome(0, null));

        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds - 1));
        assertThat(authenticate("127.0.0.1", 8, PASSWORD).reason()).as("a second early").startsWith("too many");
        now.addAndGet(TimeUnit.SECONDS.toNanos(80));
        assertThat(authenticate("127.0.0.1", 8, PASSWORD)).as("after the block").isEqualTo(new Outcome(0, null));
        // The success forgot the failures: four wrong passwords do not block again.
        for (int i = 0; i < AuthThrottle.Policy.DEFAULT_THRESHOLD - 1; i++) {
            assertThat(authenticate("127.0.0.1", 8, "wrong").reason()).isEqualTo("wrong VNC password");
        }
        assertThat(authenticate("127.0.0.1", 8, PASSWORD).result()).isZero();

        assertThat(registry.get("scanout.auth.failures").tag("protocol", "rfb").functionCounter().count())
                .isEqualTo(9);
        assertThat(registry.get("scanout.auth.blocked").tag("protocol", "rfb").functionCounter().count())
                .isEqualTo(3);
    }
}
