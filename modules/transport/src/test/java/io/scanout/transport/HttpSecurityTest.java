package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.security.Access;
import io.scanout.transport.security.AuthThrottle;
import io.scanout.transport.security.BearerToken;
import io.scanout.transport.security.OriginPolicy;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import io.scanout.transport.security.TlsSettings;
import io.scanout.transport.security.UrlSigner;
import io.scanout.transport.ws.ViewerMessage;
import io.scanout.transport.ws.ViewerMessages;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

/**
 * Access control of the HTTP transport with real Reactor Netty clients: tokens and their scopes,
 * signed URLs, WebSocket origins, connection limits, TLS and the loopback rule.
 */
class HttpSecurityTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String VIEWER = "viewer-token-0123456789abcdef";
    private static final String OPERATOR = "operator-token-0123456789abcdef";
    private static final byte[] SECRET = "url-secret-0123456789abcdef-0123".getBytes(StandardCharsets.US_ASCII);
    private static final int PER_CLIENT = 3;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "main");
    private final AtomicInteger handlerCalls = new AtomicInteger();
    private final UrlSigner signer = UrlSigner.of(SECRET);
    private final List<Disposable> viewers = new ArrayList<>();
    private StreamHub hub;
    private HttpTransport.Running server;

    private record Endpoint(StreamHub hub, StreamInfo info) implements StreamEndpoint {
    }

    @BeforeEach
    void start() {
        hub = new StreamHub("main", ViewerLimits.defaults(), () -> { }, meters);
        hub.connect(Flux.interval(Duration.ofMillis(5)).onBackpressureDrop().map(i -> Packets.inGop(i, 10)));
        server = serve(settings().build());
    }

    private SecuritySettings.Builder settings() {
        return SecuritySettings.builder()
                .token(BearerToken.of("viewer", VIEWER, EnumSet.of(Scope.VIEW)))
                .token(BearerToken.of("operator", OPERATOR, EnumSet.allOf(Scope.class)))
                .urlSigner(signer)
                .maxConnections(PER_CLIENT, 100)
                // These tests send many wrong credentials on purpose, all from 127.0.0.1; the blocking
                // that follows is HttpAuthThrottleTest's subject.
                .authFailures(AuthThrottle.Policy.OFF);
    }

    private HttpTransport.Running serve(SecuritySettings security) {
        StreamInfo info = new StreamInfo("main", "synthetic:640x360@30", 640, 360, "XR24", "h264", "test-encoder", 0,
                30.0, "running");
        return HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .directory(StreamDirectory.of("main", new Endpoint(hub, info)))
                .metrics(() -> "scanout_up 1\n")
                .security(security)
                // What a handler sees of the grant: the RFB-over-WebSocket handler asks the same.
                .streamHandler(".txt", (req, res, stream) -> {
                    handlerCalls.incrementAndGet();
                    return res.sendString(Mono.just("input=" + Access.grantOf(req).mayInput()));
                })
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        viewers.forEach(Disposable::dispose);
        server.close();
        hub.dispose();
    }

    // ---- clients ----

    private HttpClient client(String token) {
        HttpClient client = HttpClient.create();
        return token == null ? client : client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token));
    }

    private Tuple2<Integer, String> request(HttpClient client, String method, String path) {
        return client.request(io.netty.handler.codec.http.HttpMethod.valueOf(method))
                .uri("http://127.0.0.1:" + server.port() + path)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(s -> Tuples.of(res.status().code(), s)))
                .block(TIMEOUT);
    }

    private int status(String token, String path) {
        return request(client(token), "GET", path).getT1();
    }

    /** Messages until {@code packets} packets came, from a viewer WebSocket. */
    private List<ViewerMessage> watch(HttpClient client, String path, int packets) {
        int[] seen = {0};
        return websocket(client, path)
                .handle((in, out) -> in.receive().asByteArray())
                .map(b -> ViewerMessages.decode(ByteBuffer.wrap(b)))
                .takeUntil(m -> m instanceof ViewerMessage.Packet && ++seen[0] >= packets)
                .collectList()
                .block(TIMEOUT);
    }

    private HttpClient.WebsocketSender websocket(HttpClient client, String path) {
        return client.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20).build())
                .uri("ws://127.0.0.1:" + server.port() + path);
    }

    /** The status a WebSocket upgrade was refused with. */
    private int refusedUpgrade(HttpClient client, String path) {
        Throwable[] thrown = {null};
        try {
            websocket(client, path).handle((in, out) -> in.receive()).blockLast(TIMEOUT);
        } catch (RuntimeException e) {
            thrown[0] = e;
        }
        assertThat(thrown[0]).as("the upgrade to %s was not refused", path)
                .isInstanceOf(WebSocketClientHandshakeException.class);
        return ((WebSocketClientHandshakeException) thrown[0]).response().status().code();
    }

    private static long packets(List<ViewerMessage> messages) {
        return messages.stream().filter(m -> m instanceof ViewerMessage.Packet).count();
    }

    private String signed(String stream, Instant expires, Set<Scope> scopes) {
        return signer.sign(stream, expires, scopes);
    }

    private static String wsQuery(String signedQuery) {
        // The page's parameters minus stream=, as viewer.js passes them to its WebSocket.
        return "?" + signedQuery.substring(signedQuery.indexOf('&') + 1);
    }

    // ---- tokens ----

    @Test
    void withoutACredentialEverythingButThePageFilesIs401AndNothingStreams() {
        for (String path : List.of("/", "/index.html", "/streams", "/streams/main", "/streams/main.txt", "/metrics",
                "/streams/nope")) {
            assertThat(status(null, path)).as(path).isEqualTo(401);
        }
        assertThat(request(client(null), "POST", "/admin/reload").getT1()).isEqualTo(401);
        assertThat(refusedUpgrade(client(null), "/streams/main")).isEqualTo(401);
        assertThat(handlerCalls).hasValue(0);
        assertThat(hub.viewers()).isZero();
        // Scripts and stylesheet carry no secret and cannot carry a signed URL's query: public.
        assertThat(status(null, "/viewer.js")).isEqualTo(200);
        assertThat(status(null, "/healthz")).isEqualTo(200);
    }

    @Test
    void aWrongOrMalformedTokenIs401() {
        for (String token : List.of(VIEWER + "x", VIEWER.substring(1), "", "a".repeat(5000))) {
            assertThat(status(token, "/streams")).as(token).isEqualTo(401);
            assertThat(refusedUpgrade(client(token), "/streams/main")).isEqualTo(401);
        }
        HttpClient basic = HttpClient.create().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Basic " + VIEWER));
        assertThat(request(basic, "GET", "/streams").getT1()).isEqualTo(401);
        assertThat(request(basic, "GET", "/streams").getT2()).contains("Bearer");
        assertThat(handlerCalls).hasValue(0);
        assertThat(hub.viewers()).isZero();
    }

    @Test
    void aViewTokenWatchesButCannotReloadOrScrapeOrSendInput() {
        assertThat(status(VIEWER, "/")).isEqualTo(200);
        assertThat(status(VIEWER, "/streams")).isEqualTo(200);
        assertThat(packets(watch(client(VIEWER), "/streams/main", 20))).isEqualTo(20);
        assertThat(request(client(VIEWER), "GET", "/streams/main.txt").getT2()).isEqualTo("input=false");
        assertThat(request(client(VIEWER), "POST", "/admin/reload").getT1()).isEqualTo(403);
        assertThat(status(VIEWER, "/metrics")).isEqualTo(403);
        // The operator has every scope: its reload is refused only because there is nothing to reload.
        assertThat(request(client(OPERATOR), "POST", "/admin/reload").getT1()).isEqualTo(409);
        assertThat(request(client(OPERATOR), "GET", "/metrics").getT2()).isEqualTo("scanout_up 1\n");
        assertThat(request(client(OPERATOR), "GET", "/streams/main.txt").getT2()).isEqualTo("input=true");
    }

    // ---- signed URLs ----

    @Test
    void aSignedUrlOpensThePageAndItsStreamOnly() {
        String query = signed("main", Instant.now().plusSeconds(600), EnumSet.of(Scope.VIEW));
        assertThat(status(null, "/?" + query)).isEqualTo(200);
        assertThat(packets(watch(client(null), "/streams/main" + wsQuery(query), 20))).isEqualTo(20);
        assertThat(request(client(null), "GET", "/streams/main.txt" + wsQuery(query)).getT2()).isEqualTo("input=false");
        // Good for its own stream only: not for the list, not for admin.
        assertThat(status(null, "/streams?" + query)).isEqualTo(403);
        assertThat(request(client(null), "POST", "/admin/reload?" + query).getT1()).isEqualTo(403);
        String withInput = signed("main", Instant.now().plusSeconds(600), EnumSet.of(Scope.VIEW, Scope.INPUT));
        assertThat(request(client(null), "GET", "/streams/main.txt" + wsQuery(withInput)).getT2())
                .isEqualTo("input=true");
    }

    @Test
    void anExpiredTamperedOrMisplacedSignatureIs401AndNothingStreams() {
        Instant later = Instant.now().plusSeconds(600);
        String good = wsQuery(signed("main", later, EnumSet.of(Scope.VIEW)));
        List<String> bad = List.of(
                wsQuery(signed("main", Instant.now().minusSeconds(1), EnumSet.of(Scope.VIEW))),   // expired
                good.replace("exp=" + later.getEpochSecond(), "exp=" + (later.getEpochSecond() + 1)), // exp moved
                good.replace("scope=view", "scope=view,input"),                                     // scope raised
                good.replace("sig=", "sig=A"),                                                       // sig changed
                good.substring(0, good.indexOf("&sig=")));                                          // no sig
        assertThat(status(null, "/streams/main" + good.replace("sig=", "sig=%%%"))).isEqualTo(401); // not a query
        for (String query : bad) {
            assertThat(status(null, "/streams/main" + query)).as(query).isEqualTo(401);
            assertThat(refusedUpgrade(client(null), "/streams/main" + query)).as(query).isEqualTo(401);
            assertThat(status(null, "/streams/main.txt" + query)).as(query).isEqualTo(401);
        }
        // Another stream's signature does not match this one.
        String other = wsQuery(signed("other", later, EnumSet.of(Scope.VIEW)));
        assertThat(refusedUpgrade(client(null), "/streams/main" + other)).isEqualTo(401);
        assertThat(handlerCalls).hasValue(0);
        assertThat(hub.viewers()).isZero();
        assertThatThrownBy(() -> signer.sign("main", later, EnumSet.of(Scope.ADMIN))).hasMessageContaining("admin");
    }

    // ---- origins ----

    @Test
    void aWebSocketFromAnotherOriginIsRefusedBeforeTheUpgrade() {
        HttpClient evil = client(VIEWER).headers(h -> h.set(HttpHeaderNames.ORIGIN, "http://evil.example"));
        assertThat(refusedUpgrade(evil, "/streams/main")).isEqualTo(403);
        HttpClient nullOrigin = client(VIEWER).headers(h -> h.set(HttpHeaderNames.ORIGIN, "null"));
        assertThat(refusedUpgrade(nullOrigin, "/streams/main")).isEqualTo(403);
        assertThat(hub.viewers()).isZero();
        // The page's own origin — the host it asked for — is allowed.
        HttpClient same = client(VIEWER).headers(h -> h.set(HttpHeaderNames.ORIGIN, "http://127.0.0.1:" + server.port()));
        assertThat(packets(watch(same, "/streams/main", 5))).isEqualTo(5);
    }

    @Test
    void listedOriginsAndTheWildcardAreAllowed() {
        server.close();
        server = serve(settings().origins(OriginPolicy.allow(List.of("https://viewer.example.com"))).build());
        HttpClient listed = client(VIEWER).headers(h -> h.set(HttpHeaderNames.ORIGIN, "https://viewer.example.com"));
        assertThat(packets(watch(listed, "/streams/main", 5))).isEqualTo(5);
        HttpClient unlisted = client(VIEWER).headers(h -> h.set(HttpHeaderNames.ORIGIN, "https://other.example.com"));
        assertThat(refusedUpgrade(unlisted, "/streams/main")).isEqualTo(403);
        server.close();
        server = serve(settings().origins(OriginPolicy.allow(List.of("*"))).build());
        assertThat(packets(watch(unlisted, "/streams/main", 5))).isEqualTo(5);
        assertThatThrownBy(() -> OriginPolicy.allow(List.of("viewer.example.com/path")))
                .hasMessageContaining("scheme://host");
    }

    // ---- limits ----

    @Test
    void aFloodFromOneAddressIsCappedWhileOthersStillConnect() throws InterruptedException {
        for (int i = 0; i < PER_CLIENT; i++) {
            viewers.add(websocket(client(VIEWER), "/streams/main").handle((in, out) -> in.receive()).subscribe());
        }
        awaitViewers(PER_CLIENT);
        for (int i = 0; i < 5; i++) {
            assertThat(refusedUpgrade(client(VIEWER), "/streams/main")).isEqualTo(429);
            assertThat(status(VIEWER, "/streams/main.txt")).isEqualTo(429);
        }
        assertThat(hub.viewers()).isEqualTo(PER_CLIENT);
        // Another address (loopback is all of 127/8) is not held back by the first one's flood.
        HttpClient elsewhere = client(VIEWER).bindAddress(() -> new InetSocketAddress("127.0.0.2", 0));
        assertThat(packets(watch(elsewhere, "/streams/main", 5))).isEqualTo(5);
        // Places come back when connections close.
        viewers.forEach(Disposable::dispose);
        awaitViewers(0);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (status(VIEWER, "/streams/main.txt") != 200) {
            assertThat(System.nanoTime()).as("places never came back").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(packets(watch(client(VIEWER), "/streams/main", 5))).isEqualTo(5);
    }

    private void awaitViewers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (hub.viewers() != n) {
            assertThat(System.nanoTime()).as("waiting for %d viewers, have %d", n, hub.viewers()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aMalformedWebSocketFrameClosesThatConnectionOnly() throws Exception {
        int[] seen = {0};
        Mono<List<ViewerMessage>> other = websocket(client(VIEWER), "/streams/main")
                .handle((in, out) -> in.receive().asByteArray())
                .map(b -> ViewerMessages.decode(ByteBuffer.wrap(b)))
                .takeUntil(m -> m instanceof ViewerMessage.Packet && ++seen[0] >= 400)
                .collectList()
                .cache();
        other.subscribe();
        awaitViewers(1);
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.setSoTimeout((int) TIMEOUT.toMillis());
            upgrade(raw);
            // An unmasked client frame with reserved bits set: a protocol error, not a message.
            raw.getOutputStream().write(new byte[] {(byte) 0xF2, 0x04, 1, 2, 3, 4});
            raw.getOutputStream().flush();
            InputStream in = raw.getInputStream();
            byte[] buffer = new byte[64 << 10];
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            // The server drops this connection: reads end (packets sent before the frame may come first).
            while (in.read(buffer) >= 0) {
                assertThat(System.nanoTime()).as("the malformed sender was never cut off").isLessThan(deadline);
            }
        }
        // The other viewer was not disturbed: it is still there, and gets every packet from its keyframe on.
        awaitViewers(1);
        List<ViewerMessage> messages = other.block(TIMEOUT);
        assertThat(packets(messages)).isEqualTo(400);
    }

    private void upgrade(Socket socket) throws IOException {
        RawWebSocket.upgrade(socket, "/streams/main", "Authorization: Bearer " + VIEWER + "\r\n");
    }

    // ---- TLS ----

    /**
     * Reactor Netty's TLS client needs the QUIC classes this module leaves out, so the clients here
     * are the JDK's: an HTTPS request and a WSS viewer that trust the test's self-signed certificate.
     */
    @Test
    void overTlsThePageLoadsAndAWssViewerReceivesPackets(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();

        server.close();
        server = serve(settings().tls(TlsSettings.load(cert, key)).build());
        java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder().sslContext(trusting(cert))
                .connectTimeout(TIMEOUT).build();
        URI page = URI.create("https://127.0.0.1:" + server.port() + "/");
        java.net.http.HttpResponse<String> response = https.send(java.net.http.HttpRequest.newBuilder(page)
                .header("Authorization", "Bearer " + VIEWER).timeout(TIMEOUT).build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<canvas id=\"screen\"");
        assertThat(https.send(java.net.http.HttpRequest.newBuilder(page).timeout(TIMEOUT).build(),
                BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        BlockingQueue<Integer> types = new LinkedBlockingQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private boolean first = true;

            @Override
            public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
                if (first && data.hasRemaining()) {
                    types.add(data.get(data.position()) & 0xff);
                }
                first = last;
                socket.request(1);
                return null;
            }
        };
        WebSocket wss = https.newWebSocketBuilder().header("Authorization", "Bearer " + VIEWER)
                .buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/streams/main"), listener)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try {
            int packets = 0;
            while (packets < 20) {
                Integer type = types.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(type).as("a message over wss").isNotNull();
                packets += type == ViewerMessages.TYPE_PACKET ? 1 : 0;
            }
        } finally {
            wss.abort();
        }

        // A client that does not trust the certificate gets no page.
        java.net.http.HttpClient untrusting = java.net.http.HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        assertThatThrownBy(() -> untrusting.send(java.net.http.HttpRequest.newBuilder(page).timeout(TIMEOUT).build(),
                BodyHandlers.ofString())).isInstanceOf(SSLException.class);
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = java.nio.file.Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("scanout", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Test
    void badTlsFilesAreAClearError(@TempDir Path dir) throws IOException {
        Path notPem = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "hello");
        assertThatThrownBy(() -> TlsSettings.load(notPem, notPem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cert.pem");
        assertThatThrownBy(() -> TlsSettings.load(dir.resolve("missing.pem"), notPem))
                .hasMessageContaining("missing.pem");
    }

    // ---- the loopback rule ----

    @Test
    void aNonLoopbackAddressNeedsAuthOrAnExplicitInsecureFlag() {
        UnaryOperator<HttpTransport.Builder> base = b -> b.directory(new StreamDirectory() {
            @Override
            public Optional<StreamEndpoint> find(String id) {
                return Optional.empty();
            }

            @Override
            public List<StreamInfo> list() {
                return List.of();
            }
        });
        assertThatThrownBy(() -> base.apply(HttpTransport.builder().bind("0.0.0.0", 0)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0.0.0").hasMessageContaining("without authentication");
        // Loopback stays open; auth, or the explicit flag, allows any address.
        assertThat(base.apply(HttpTransport.builder().bind("127.0.0.1", 0)).build()).isNotNull();
        assertThat(base.apply(HttpTransport.builder().bind("::1", 0)).build()).isNotNull();
        assertThat(base.apply(HttpTransport.builder().bind("0.0.0.0", 0).security(settings().build())).build())
                .isNotNull();
        assertThat(base.apply(HttpTransport.builder().bind("0.0.0.0", 0)
                .security(SecuritySettings.builder().insecureNoAuth(true).build())).build()).isNotNull();
    }
}
