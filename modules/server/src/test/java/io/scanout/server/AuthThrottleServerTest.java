package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.convert.Scaling;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import io.scanout.transport.ViewerLimits;
import io.scanout.transport.security.BearerToken;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The server shares one throttle of failed authentications between HTTP and VNC over TCP: five
 * wrong tokens over HTTP and the same address's VNC client is refused unchecked too, and the
 * server's registry counts both.
 */
class AuthThrottleServerTest {
    private static final String TOKEN = "server-token-0123456789abcdef";

    @Test
    void wrongTokensOverHttpBlockTheAddressOverVncToo() throws Exception {
        VncSettings vnc = new VncSettings(Optional.of(new BindAddress("127.0.0.1", 0)), Optional.of("pw-12345"),
                Optional.empty());
        ServerSettings settings = new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("desk", "synthetic:160x120@5", Scaling.none(), EncoderSettings.builder().build(),
                        ViewerLimits.defaults())), vnc)
                .withSecurity(SecuritySettings.builder().token(BearerToken.of("t", TOKEN, EnumSet.allOf(Scope.class)))
                        .build());
        try (ScanoutServer server = ScanoutServer.start(settings)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            URI streams = URI.create("http://127.0.0.1:" + server.port() + "/streams");
            for (int i = 0; i < 5; i++) {
                assertThat(get(http, streams, TOKEN + "x").statusCode()).isEqualTo(401);
            }
            HttpResponse<String> blocked = get(http, streams, TOKEN);
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 20L));

            assertThat(vncWithRightPassword(server.vncPort().orElseThrow(), "pw-12345"))
                    .startsWith("too many authentication failures, try again in ");

            assertThat(server.meterRegistry().get("scanout.auth.failures").tag("protocol", "http").functionCounter()
                    .count()).isEqualTo(5);
            assertThat(server.meterRegistry().get("scanout.auth.blocked").tag("protocol", "http").functionCounter()
                    .count()).isEqualTo(1);
            assertThat(server.meterRegistry().get("scanout.auth.blocked").tag("protocol", "rfb").functionCounter()
                    .count()).isEqualTo(1);
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI uri, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** VNC Authentication over RFB 3.8 with the right password: the failure reason, or "ok". */
    private static String vncWithRightPassword(int port, String password) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            in.readFully(new byte[12]);
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            in.readFully(new byte[in.readUnsignedByte()]);
            out.writeByte(2); // VNC Authentication
            byte[] challenge = new byte[16];
            in.readFully(challenge);
            out.write(vncResponse(password, challenge));
            out.flush();
            if (in.readInt() == 0) {
                return "ok";
            }
            byte[] reason = new byte[in.readInt()];
            in.readFully(reason);
            return new String(reason, StandardCharsets.UTF_8);
        }
    }

    /** RFC 6143 §7.2.2: DES with the password's bytes, each bit-reversed, as the key. */
    private static byte[] vncResponse(String password, byte[] challenge) throws Exception {
        byte[] key = new byte[8];
        byte[] bytes = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 8 && i < bytes.length; i++) {
            key[i] = (byte) (Integer.reverse(bytes[i] & 0xff) >>> 24);
        }
        javax.crypto.Cipher des = javax.crypto.Cipher.getInstance("DES/ECB/NoPadding");
        des.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "DES"));
        return des.doFinal(challenge);
    }
}
