package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.security.AuthThrottle;
import io.scanout.transport.security.BearerToken;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import io.scanout.transport.security.UrlSigner;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * The throttle of failed token and signed-URL checks in the real HTTP transport, on a fake clock:
 * five wrong tokens from 127.0.0.1 and its next request — right token or not, plain or WebSocket —
 * is answered 429 with {@code Retry-After}; a client on 127.0.0.2 (also loopback, another address
 * to the server) is not affected; once the wait is over the right token works again.
 */
class HttpAuthThrottleTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String TOKEN = "viewer-token-0123456789abcdef";
    private static final String WRONG = "viewer-token-0123456789abcdeX";
    private static final UrlSigner SIGNER = UrlSigner.of("url-secret-0123456789abcdef-0123"
            .getBytes(StandardCharsets.US_ASCII));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong();
    private final AuthThrottle throttle = new AuthThrottle(AuthThrottle.Policy.DEFAULT, now::get);
    private StreamHub hub;
    private HttpTransport.Running server;

    private record Endpoint(StreamHub hub, StreamInfo info) implements StreamEndpoint {
    }

    /** A status and its {@code Retry-After}, null when absent. */
    private record Answer(int status, String retryAfter) {
    }

    @BeforeEach
    void start() {
        throttle.bindTo(registry);
        hub = new StreamHub("main", ViewerLimits.defaults(), () -> { }, new StreamMeters(registry, "main"));
        hub.connect(Flux.interval(Duration.ofMillis(5)).onBackpressureDrop().map(i -> Packets.inGop(i, 10)));
        StreamInfo info = new StreamInfo("main", "synthetic:640x360@30", 640, 360, "XR24", "h264", "test-encoder", 0,
                30.0, "running");
        server = HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .directory(StreamDirectory.of("main", new Endpoint(hub, info)))
                .security(SecuritySettings.builder().token(BearerToken.of("viewer", TOKEN, EnumSet.of(Scope.VIEW)))
                        .urlSigner(SIGNER).build())
                .authThrottle(throttle)
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
        hub.dispose();
    }

    private static HttpClient from(String localAddress, String token) {
        HttpClient client = HttpClient.create().bindAddress(() -> new InetSocketAddress(localAddress, 0));
        return token == null ? client : client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token));
    }

    private Answer get(HttpClient client, String path) {
        return client.get().uri("http://127.0.0.1:" + server.port() + path)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .thenReturn(new Answer(res.status().code(), res.responseHeaders().get(HttpHeaderNames.RETRY_AFTER))))
                .block(TIMEOUT);
    }

    /** The answer a WebSocket upgrade was refused with. */
    private Answer refusedUpgrade(HttpClient client, String path) {
        try {
            client.websocket().uri("ws://127.0.0.1:" + server.port() + path)
                    .handle((in, out) -> in.receive()).blockLast(TIMEOUT);
        } catch (WebSocketClientHandshakeException e) {
            return new Answer(e.response().status().code(),
                    e.response().headers().get(HttpHeaderNames.RETRY_AFTER));
        }
        throw new AssertionError("the upgrade to " + path + " was not refused");
    }

    private double meter(String name) {
        return registry.get(name).tag("protocol", "http").functionCounter().count();
    }

    @Test
    void fiveWrongTokensAnswer429WithRetryAfterToThatAddressOnly() {
        for (int i = 0; i < AuthThrottle.Policy.DEFAULT_THRESHOLD; i++) {
            assertThat(get(from("127.0.0.1", WRONG), "/streams")).isEqualTo(new Answer(401, null));
        }
        // Blocked: even the right token is not looked at, and the wait doubles with each early try.
        assertThat(get(from("127.0.0.1", TOKEN), "/streams")).isEqualTo(new Answer(429, "20"));
        assertThat(refusedUpgrade(from("127.0.0.1", TOKEN), "/streams/main")).isEqualTo(new Answer(429, "40"));
        // Another address is its own client.
        assertThat(get(from("127.0.0.2", TOKEN), "/streams").status()).isEqualTo(200);
        assertThat(get(from("127.0.0.2", WRONG), "/streams").status()).isEqualTo(401);
        // Public routes are no authentication: never throttled.
        assertThat(get(from("127.0.0.1", null), "/healthz").status()).isEqualTo(200);

        now.addAndGet(TimeUnit.SECONDS.toNanos(40));
        assertThat(get(from("127.0.0.1", TOKEN), "/streams").status()).as("after the wait").isEqualTo(200);
        assertThat(meter("scanout.auth.failures")).isEqualTo(6);
        assertThat(meter("scanout.auth.blocked")).isEqualTo(2);
    }

    @Test
    void tamperedSignaturesCountButMissingCredentialsDoNot() {
        for (int i = 0; i < 20; i++) {
            assertThat(get(from("127.0.0.1", null), "/streams/main").status()).as("no credential").isEqualTo(401);
        }
        String good = SIGNER.sign("main", Instant.now().plusSeconds(600), EnumSet.of(Scope.VIEW));
        String tampered = good.replace("sig=", "sig=A");
        for (int i = 0; i < AuthThrottle.Policy.DEFAULT_THRESHOLD; i++) {
            assertThat(get(from("127.0.0.1", null), "/streams/main?" + tampered).status()).isEqualTo(401);
        }
        assertThat(get(from("127.0.0.1", null), "/streams/main?" + good)).isEqualTo(new Answer(429, "20"));
        assertThat(get(from("127.0.0.2", null), "/streams/main?" + good).status()).isEqualTo(200);
        assertThat(meter("scanout.auth.failures")).isEqualTo(5);
    }
}
