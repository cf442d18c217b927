package io.scanout.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.scanout.transport.security.Access;
import io.scanout.transport.security.AuthThrottle;
import io.scanout.transport.security.ConnectionLimits;
import io.scanout.transport.security.Grant;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.function.Function;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * The HTTP and WebSocket server in front of the streams (Reactor Netty):
 * <ul>
 *   <li>{@code GET /} — the viewer page; {@code GET /viewer.js}, {@code /protocol.js},
 *       {@code /viewer.css} — its files, from the jar;</li>
 *   <li>{@code GET /streams} — JSON array of {@link StreamInfo};</li>
 *   <li>{@code GET /streams/{id}} — with a WebSocket upgrade, the viewer protocol
 *       ({@code docs/protocol.md}) on that stream's hub; without, that stream's {@link StreamInfo};
 *       404 for an unknown id, before any upgrade;</li>
 *   <li>{@code GET /streams/{id}.ext} and {@code GET /streams/{id}/name} — the {@link StreamHandler}
 *       registered for {@code .ext} or {@code /name} (MPEG-TS, fragmented MP4, RFB over WebSocket);</li>
 *   <li>{@code GET /metrics} — Prometheus text from the supplier ({@code text/plain; version=0.0.4});</li>
 *   <li>{@code GET /healthz} — 200 {@code ok} or 503 {@code unhealthy};</li>
 *   <li>{@code POST /admin/reload} — runs the reload action and answers its result as JSON (400
 *       with the reason when the new settings are wrong, 409 when there is nothing to reload);</li>
 *   <li>{@code POST /streams/{id}/encoder} — changes a running stream's encoder
 *       ({@code {"bitrate":"2M","fps":15}}, {@link EncoderControl}) and answers its rates as JSON;
 *       400 naming what is wrong with the body, 404 for an unknown stream.</li>
 * </ul>
 *
 * <p>Access ({@link SecuritySettings}, {@code docs/security.md}) is checked here, in {@link #guarded},
 * before any route — stream handlers included — runs and before any WebSocket is upgraded: the
 * page, {@code /streams} and every stream route need {@link Scope#VIEW}, {@code /admin/reload}
 * and {@code POST /streams/{id}/encoder} {@link Scope#ADMIN}, {@code /metrics} and {@code /healthz} {@link Scope#METRICS} unless public; the
 * page's scripts and stylesheet are public. WebSocket upgrades must come from an allowed
 * {@code Origin}; streaming connections are counted per client address ({@link ConnectionLimits}).
 * Without auth configured everything is open, and the admin routes answer loopback clients only.
 *
 * <p>Everything runs on Netty's event loops without blocking them: page files are read when the
 * transport is built, the metrics supplier runs on {@link Schedulers#boundedElastic()}, and the
 * directory and health supplier are called on the event loop (they must not block). Inbound
 * WebSocket frames are limited to {@value #MAX_INBOUND_FRAME_BYTES} bytes; a larger one closes
 * that connection only.
 *
 * <p>Built once, {@link #start()}ed once; the {@link Running} server is closed by its owner.
 */
public final class HttpTransport {
    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);

    /** Largest WebSocket frame payload a viewer may send (a PING is 10 bytes). */
    public static final int MAX_INBOUND_FRAME_BYTES = 1024;
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final String host;
    private final int port;
    private final StreamDirectory directory;
    private final Supplier<String> metrics;
    private final Supplier<Boolean> health;
    private final Supplier<Object> reload;
    private final Map<String, StreamHandler> handlers;
    private final SecuritySettings security;
    private final Access access;
    private final StaticFiles files = StaticFiles.load();
    private final ObjectMapper json = new ObjectMapper();

    private HttpTransport(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.directory = builder.directory;
        this.metrics = builder.metrics;
        this.health = builder.health;
        this.reload = builder.reload;
        this.handlers = Map.copyOf(builder.handlers);
        this.security = builder.security;
        this.access = new Access(security, builder.authThrottle != null ? builder.authThrottle
                : new AuthThrottle(security.authFailures()));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the server; blocks until it listens (call it from a startup thread, not an event loop).
     *
     * @throws RuntimeException from Reactor Netty if the address cannot be bound
     */
    public Running start() {
        EpochClock clock = EpochClock.start();
        Sinks.Empty<Void> closing = Sinks.empty();
        Mono<Void> closingSignal = closing.asMono();
        ChannelGroup viewerChannels = new DefaultChannelGroup("scanout-viewers", GlobalEventExecutor.INSTANCE);
        ChannelGroup allChannels = new DefaultChannelGroup("scanout-http", GlobalEventExecutor.INSTANCE);
        WebsocketServerSpec spec = WebsocketServerSpec.builder().maxFramePayloadLength(MAX_INBOUND_FRAME_BYTES).build();
        ConnectionLimits limits = new ConnectionLimits(security.maxConnectionsPerClient(), security.maxConnections());
        HttpServer http = HttpServer.create()
                .host(host)
                .port(port)
                .doOnConnection(connection -> allChannels.add(connection.channel()))
                .route(routes -> routes(routes, spec, closingSignal, clock, viewerChannels, limits));
        if (security.tls() != null) {
            http = http.secure(ssl -> ssl.sslContext(security.tls().sslContext()));
        }
        DisposableServer server = http.bindNow();
        log.debug("HTTP transport listening on {}:{}", server.host(), server.port());
        return new NettyRunning(server, closing, viewerChannels, allChannels);
    }

    private void routes(HttpServerRoutes routes, WebsocketServerSpec spec, Mono<Void> closing, EpochClock clock,
                        ChannelGroup viewerChannels, ConnectionLimits limits) {
        routes.get("/streams", (req, res) -> guarded(req, res, Scope.VIEW, null, grant -> sendJson(res,
                        () -> directory.list().stream().filter(info -> grant.covers(info.id())).toList())))
                .get("/streams/{id}/{name}", (req, res) -> handled(req, res, req.param("id"), "/" + req.param("name"),
                        limits))
                .get("/streams/{id}", (req, res) -> stream(req, res, spec, closing, clock, viewerChannels, limits))
                .get("/metrics", (req, res) -> guarded(req, res, security.publicMetrics() ? null : Scope.METRICS, null,
                        grant -> res.header(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT)
                                .sendString(Mono.fromSupplier(metrics).subscribeOn(Schedulers.boundedElastic()))))
                .get("/healthz", (req, res) -> guarded(req, res, security.publicHealth() ? null : Scope.METRICS, null,
                        grant -> healthz(res)))
                .post("/admin/reload", (req, res) -> guarded(req, res, Scope.ADMIN, null, grant -> reload(res)))
                .post("/streams/{id}/encoder", (req, res) -> guarded(req, res, Scope.ADMIN, req.param("id"),
                        grant -> encoder(req, res, req.param("id"))))
                .get("/", (req, res) -> file(req, res, StaticFiles.INDEX))
                .get("/{file}", (req, res) -> file(req, res, req.param("file")));
    }

    /**
     * The one place access is checked: runs {@code serve} with the request's grant when it may use
     * {@code scope} on {@code streamId}, else answers 401, 403 or 429 (with {@code Retry-After}: its
     * address failed too often, {@link AuthThrottle}) and serves nothing. A null scope
     * means the route is public.
     */
    private Publisher<Void> guarded(HttpServerRequest req, HttpServerResponse res, Scope scope, String streamId,
                                    Function<Grant, Publisher<Void>> serve) {
        if (scope == null) {
            return serve.apply(Grant.OPEN);
        }
        Access.Decision decision = access.check(req, scope, streamId);
        if (!decision.isGranted()) {
            log.debug("refused {} {} from {}: {} {}", req.method(), req.path(), req.remoteAddress(),
                    decision.status().code(), decision.reason());
            if (decision.status() == HttpResponseStatus.UNAUTHORIZED) {
                res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"scanout\"");
            } else if (decision.status() == HttpResponseStatus.TOO_MANY_REQUESTS) {
                res.header(HttpHeaderNames.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
            }
            return problem(res, decision.status(), decision.status().reasonPhrase().toLowerCase(Locale.ROOT)
                    + ": " + decision.reason());
        }
        Access.remember(req, decision.grant());
        return serve.apply(decision.grant());
    }

    /**
     * A stream's route: checks access, the origin of a WebSocket upgrade and the stream; then a
     * streaming connection (a WebSocket, or any response of a stream handler) takes a place in the
     * connection limits for as long as it lasts.
     */
    private Publisher<Void> streaming(HttpServerRequest req, HttpServerResponse res, String id, ConnectionLimits limits,
                                      boolean handler, StreamServer serve) {
        return guarded(req, res, Scope.VIEW, id, grant -> {
            boolean upgrade = isWebsocketUpgrade(req);
            String origin = req.requestHeaders().get(HttpHeaderNames.ORIGIN);
            if (upgrade && !security.origins().allows(origin, req.requestHeaders().get(HttpHeaderNames.HOST))) {
                log.debug("refused a WebSocket to {} from origin {}", req.path(), origin);
                return problem(res, HttpResponseStatus.FORBIDDEN,
                        "forbidden: WebSocket from origin '" + origin + "' is not allowed");
            }
            Optional<StreamEndpoint> endpoint = directory.find(id);
            if (endpoint.isEmpty()) {
                return notFound(res, "no stream '" + id + "'");
            }
            if (!handler && !upgrade) {
                return serve.serve(endpoint.get(), grant, false); // a JSON snapshot, not a stream
            }
            ConnectionLimits.Acquired place = limits.tryAcquire(req.remoteAddress().getAddress());
            if (place.lease() == null) {
                log.debug("refused a streaming connection from {}: {}", req.remoteAddress(), place.refusal());
                res.header(HttpHeaderNames.RETRY_AFTER, "5");
                return place.refusal() == ConnectionLimits.Refusal.PER_CLIENT
                        ? problem(res, HttpResponseStatus.TOO_MANY_REQUESTS, "too many connections from your address"
                                + " (at most " + limits.perClient() + ")")
                        : problem(res, HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is at its connection limit");
            }
            ConnectionLimits.Lease lease = place.lease();
            req.withConnection(c -> c.onDispose(lease::close));
            Publisher<Void> served = serve.serve(endpoint.get(), grant, upgrade);
            // A WebSocket holds its connection to the end; a plain response gives the place back when done.
            return upgrade ? served : Mono.from(served).doFinally(signal -> lease.close());
        });
    }

    /** What a stream's route does once access, origin, stream and limits are settled. */
    @FunctionalInterface
    private interface StreamServer {
        Publisher<Void> serve(StreamEndpoint endpoint, Grant grant, boolean upgrade);
    }

    private Publisher<Void> stream(HttpServerRequest req, HttpServerResponse res, WebsocketServerSpec spec,
                                   Mono<Void> closing, EpochClock clock, ChannelGroup viewerChannels,
                                   ConnectionLimits limits) {
        String id = req.param("id");
        // Ids may hold dots: "cam.ts" is stream "cam" as MPEG-TS when both exist, else stream "cam.ts".
        int dot = id.lastIndexOf('.');
        if (dot > 0 && handlers.containsKey(id.substring(dot)) && directory.find(id.substring(0, dot)).isPresent()) {
            return handled(req, res, id.substring(0, dot), id.substring(dot), limits);
        }
        return streaming(req, res, id, limits, false, (endpoint, grant, upgrade) -> {
            if (!upgrade) {
                return sendJson(res, endpoint::info);
            }
            // Input needs both the stream's permission (ViewerSocket checks it) and the credential's.
            ViewerSocket socket = new ViewerSocket(endpoint, grant.mayInput(), clock, closing, viewerChannels);
            return res.sendWebsocket(socket, spec);
        });
    }

    /** {@code /streams/{id}.ext} or {@code /streams/{id}/name}: the handler for that suffix, on that stream. */
    private Publisher<Void> handled(HttpServerRequest req, HttpServerResponse res, String id, String suffix,
                                    ConnectionLimits limits) {
        StreamHandler handler = handlers.get(suffix);
        if (handler == null) {
            return notFound(res, "not found");
        }
        return streaming(req, res, id, limits, true, (endpoint, grant, upgrade) -> handler.handle(req, res, endpoint));
    }

    private static boolean isWebsocketUpgrade(HttpServerRequest req) {
        return req.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private Publisher<Void> sendJson(HttpServerResponse res, Supplier<Object> value) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(value.get());
        } catch (JsonProcessingException e) {
            log.warn("cannot write JSON for {}: {}", res.fullPath(), e.toString(), e);
            return res.status(HttpResponseStatus.INTERNAL_SERVER_ERROR).send();
        }
        return res.header(HttpHeaderNames.CONTENT_TYPE, JSON).sendByteArray(Mono.just(body));
    }

    private Publisher<Void> healthz(HttpServerResponse res) {
        boolean ok = Boolean.TRUE.equals(health.get());
        return res.status(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaderNames.CONTENT_TYPE, PLAIN_TEXT)
                .sendString(Mono.just(ok ? "ok\n" : "unhealthy\n"));
    }

    private Publisher<Void> reload(HttpServerResponse res) {
        // A reload reads a file and starts sources: blocking work, kept off the event loop.
        return Mono.fromCallable(reload::get)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(result -> Mono.from(sendJson(res, () -> result)))
                .onErrorResume(IllegalArgumentException.class, e -> Mono.from(problem(res,
                        HttpResponseStatus.BAD_REQUEST, "reload failed, nothing changed: " + e.getMessage())))
                .onErrorResume(IllegalStateException.class, e -> Mono.from(problem(res,
                        HttpResponseStatus.CONFLICT, e.getMessage())));
    }

    /**
     * {@code POST /streams/{id}/encoder}: reads at most {@value EncoderRequest#MAX_BYTES} bytes of
     * body, applies it off the event loop and answers the encoder's rates, or 400 saying why not.
     */
    private Publisher<Void> encoder(HttpServerRequest req, HttpServerResponse res, String id) {
        Optional<EncoderControl> control = directory.find(id).flatMap(StreamEndpoint::encoderControl);
        if (control.isEmpty()) {
            return notFound(res, directory.find(id).isEmpty() ? "no stream '" + id + "'"
                    : "stream '" + id + "' has no encoder to control");
        }
        return req.receive().asByteArray()
                .reduce(new byte[0], (body, chunk) -> {
                    if (body.length + chunk.length > EncoderRequest.MAX_BYTES) {
                        throw new IllegalArgumentException("the body is larger than " + EncoderRequest.MAX_BYTES
                                + " bytes");
                    }
                    byte[] joined = Arrays.copyOf(body, body.length + chunk.length);
                    System.arraycopy(chunk, 0, joined, body.length, chunk.length);
                    return joined;
                })
                .map(body -> EncoderRequest.parse(body, json))
                .publishOn(Schedulers.boundedElastic())
                .map(request -> control.get().change(request.bitrate(), request.fps()))
                .flatMap(rates -> Mono.from(sendJson(res, () -> rates)))
                .onErrorResume(IllegalArgumentException.class, e -> Mono.from(problem(res,
                        HttpResponseStatus.BAD_REQUEST, "encoder not changed: " + e.getMessage())));
    }

    private static Publisher<Void> problem(HttpServerResponse res, HttpResponseStatus status, String message) {
        return res.status(status).header(HttpHeaderNames.CONTENT_TYPE, PLAIN_TEXT).sendString(Mono.just(message + "\n"));
    }

    /** The page needs {@code view} (on its {@code ?stream=}); its scripts and stylesheet are public. */
    private Publisher<Void> file(HttpServerRequest req, HttpServerResponse res, String name) {
        Optional<StaticFiles.StaticFile> file = files.get(name);
        if (file.isEmpty()) {
            return notFound(res, "not found");
        }
        if (StaticFiles.INDEX.equals(name)) {
            return guarded(req, res, Scope.VIEW, queryParameter(req, "stream"), grant -> send(res, file.get()));
        }
        return send(res, file.get());
    }

    /** The first value of a query parameter; null when absent or when the query is not valid. */
    private static String queryParameter(HttpServerRequest req, String name) {
        try {
            List<String> values = new QueryStringDecoder(req.uri()).parameters().getOrDefault(name, List.of());
            return values.isEmpty() ? null : values.get(0);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Publisher<Void> send(HttpServerResponse res, StaticFiles.StaticFile file) {
        return res.header(HttpHeaderNames.CONTENT_TYPE, file.contentType())
                .header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .sendByteArray(Mono.just(file.bytes()));
    }

    private static Publisher<Void> notFound(HttpServerResponse res, String message) {
        return res.status(HttpResponseStatus.NOT_FOUND)
                .header(HttpHeaderNames.CONTENT_TYPE, PLAIN_TEXT)
                .header("X-Content-Type-Options", "nosniff")
                .sendString(Mono.just(message + "\n"));
    }

    /**
     * A listening server. {@link #close()} stops accepting connections, tells every viewer the
     * server is going away (WebSocket close 1001), waits up to a second for them to close, then
     * closes whatever connection is left; it blocks, so call it from a shutdown thread, not an event
     * loop. Idempotent.
     */
    public interface Running extends AutoCloseable, Disposable {
        /** The bound port (the real one when 0 was asked for). */
        int port();

        /** The bound address. */
        String host();

        @Override
        void close();

        @Override
        default void dispose() {
            close();
        }
    }

    /** Settings of an {@link HttpTransport}; not thread-safe, used once. */
    public static final class Builder {
        private static final Pattern HANDLER_SUFFIX = Pattern.compile("[./][A-Za-z0-9-]+");
        private String host = "127.0.0.1";
        private int port = 8080;
        private StreamDirectory directory;
        private Supplier<String> metrics = () -> "";
        private Supplier<Boolean> health = () -> true;
        private Supplier<Object> reload = () -> {
            throw new IllegalStateException("this server has nothing to reload");
        };
        private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
        private SecuritySettings security = SecuritySettings.open();
        private AuthThrottle authThrottle;

        private Builder() {
        }

        /** Auth, TLS, origins and connection limits; default {@link SecuritySettings#open()}. */
        public Builder security(SecuritySettings security) {
            this.security = security;
            return this;
        }

        /**
         * The throttle of failed token and signed-URL checks, shared with the server's other
         * listeners (its RFB server); default one of this transport's own, on
         * {@link SecuritySettings#authFailures()}.
         */
        public Builder authThrottle(AuthThrottle throttle) {
            this.authThrottle = throttle;
            return this;
        }

        /**
         * Where to listen; default 127.0.0.1:8080. Port 0 takes a free port (see {@link Running#port()}).
         */
        public Builder bind(String host, int port) {
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("host is required");
            }
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port " + port + " is outside 0..65535");
            }
            this.host = host;
            this.port = port;
            return this;
        }

        /** The streams to serve; required. */
        public Builder directory(StreamDirectory directory) {
            this.directory = directory;
            return this;
        }

        /** Prometheus text for {@code /metrics}; may block briefly (it runs off the event loops). */
        public Builder metrics(Supplier<String> prometheusText) {
            this.metrics = prometheusText;
            return this;
        }

        /** Whether {@code /healthz} answers 200; called on an event loop, must not block. */
        public Builder health(Supplier<Boolean> health) {
            this.health = health;
            return this;
        }

        /**
         * What {@code POST /admin/reload} runs (off the event loops); its result is answered as
         * JSON. It throws {@link IllegalArgumentException} for settings that are wrong and
         * {@link IllegalStateException} when there is nothing to reload.
         */
        public Builder reload(Supplier<Object> reload) {
            this.reload = reload;
            return this;
        }

        /**
         * Serves {@code /streams/{id}} followed by {@code suffix} — a file extension such as {@code .ts} or
         * a path segment such as {@code /rfb} — with {@code handler}.
         *
         * @throws IllegalArgumentException for a suffix that is neither, or one already taken
         */
        public Builder streamHandler(String suffix, StreamHandler handler) {
            if (suffix == null || !HANDLER_SUFFIX.matcher(suffix).matches()) {
                throw new IllegalArgumentException("a stream handler's suffix is '.ext' or '/name' of letters, digits"
                        + " and '-', not '" + suffix + "'");
            }
            if (handler == null || handlers.putIfAbsent(suffix, handler) != null) {
                throw new IllegalArgumentException("suffix '" + suffix + "' needs one handler, exactly");
            }
            return this;
        }

        /**
         * @throws IllegalArgumentException without a directory, or for a non-loopback address without
         *                                  auth (see {@link SecuritySettings#checkBind})
         * @throws IllegalStateException    if the viewer page is missing from the classpath
         */
        public HttpTransport build() {
            if (directory == null || metrics == null || health == null || reload == null || security == null) {
                throw new IllegalArgumentException("directory, metrics, health, reload and security are required");
            }
            security.checkBind(host);
            return new HttpTransport(this);
        }
    }
}
