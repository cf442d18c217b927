package io.scanout.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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
 *       with the reason when the new settings are wrong, 409 when there is nothing to reload);
 *       answered on loopback connections only (403 otherwise) until the transport has auth.</li>
 * </ul>
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
        DisposableServer server = HttpServer.create()
                .host(host)
                .port(port)
                .doOnConnection(connection -> allChannels.add(connection.channel()))
                .route(routes -> routes(routes, spec, closingSignal, clock, viewerChannels))
                .bindNow();
        log.debug("HTTP transport listening on {}:{}", server.host(), server.port());
        return new NettyRunning(server, closing, viewerChannels, allChannels);
    }

    private void routes(HttpServerRoutes routes, WebsocketServerSpec spec, Mono<Void> closing, EpochClock clock,
                        ChannelGroup viewerChannels) {
        routes.get("/streams", (req, res) -> sendJson(res, directory::list))
                .get("/streams/{id}/{name}", (req, res) -> handled(req, res, req.param("id"), "/" + req.param("name")))
                .get("/streams/{id}", (req, res) -> stream(req, res, spec, closing, clock, viewerChannels))
                .get("/metrics", (req, res) -> res.header(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT)
                        .sendString(Mono.fromSupplier(metrics).subscribeOn(Schedulers.boundedElastic())))
                .get("/healthz", (req, res) -> healthz(res))
                .post("/admin/reload", this::reload)
                .get("/", (req, res) -> file(res, StaticFiles.INDEX))
                .get("/{file}", (req, res) -> file(res, req.param("file")));
    }

    private Publisher<Void> stream(HttpServerRequest req, HttpServerResponse res, WebsocketServerSpec spec,
                                   Mono<Void> closing, EpochClock clock, ChannelGroup viewerChannels) {
        String id = req.param("id");
        // Ids may hold dots: "cam.ts" is stream "cam" as MPEG-TS when both exist, else stream "cam.ts".
        int dot = id.lastIndexOf('.');
        if (dot > 0 && handlers.containsKey(id.substring(dot)) && directory.find(id.substring(0, dot)).isPresent()) {
            return handled(req, res, id.substring(0, dot), id.substring(dot));
        }
        Optional<StreamEndpoint> endpoint = directory.find(id);
        if (endpoint.isEmpty()) {
            return notFound(res, "no stream '" + id + "'");
        }
        if (!isWebsocketUpgrade(req)) {
            return sendJson(res, () -> endpoint.get().info());
        }
        ViewerSocket socket = new ViewerSocket(endpoint.get().hub(), clock, closing, viewerChannels);
        return res.sendWebsocket(socket, spec);
    }

    /** {@code /streams/{id}.ext} or {@code /streams/{id}/name}: the handler for that suffix, on that stream. */
    private Publisher<Void> handled(HttpServerRequest req, HttpServerResponse res, String id, String suffix) {
        StreamHandler handler = handlers.get(suffix);
        if (handler == null) {
            return notFound(res, "not found");
        }
        Optional<StreamEndpoint> endpoint = directory.find(id);
        if (endpoint.isEmpty()) {
            return notFound(res, "no stream '" + id + "'");
        }
        return handler.handle(req, res, endpoint.get());
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

    private Publisher<Void> reload(HttpServerRequest req, HttpServerResponse res) {
        if (req.remoteAddress() == null || !req.remoteAddress().getAddress().isLoopbackAddress()) {
            return res.status(HttpResponseStatus.FORBIDDEN).header(HttpHeaderNames.CONTENT_TYPE, PLAIN_TEXT)
                    .sendString(Mono.just("admin endpoints answer on loopback only\n"));
        }
        // A reload reads a file and starts sources: blocking work, kept off the event loop.
        return Mono.fromCallable(reload::get)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(result -> Mono.from(sendJson(res, () -> result)))
                .onErrorResume(IllegalArgumentException.class, e -> Mono.from(problem(res,
                        HttpResponseStatus.BAD_REQUEST, "reload failed, nothing changed: " + e.getMessage())))
                .onErrorResume(IllegalStateException.class, e -> Mono.from(problem(res,
                        HttpResponseStatus.CONFLICT, e.getMessage())));
    }

    private static Publisher<Void> problem(HttpServerResponse res, HttpResponseStatus status, String message) {
        return res.status(status).header(HttpHeaderNames.CONTENT_TYPE, PLAIN_TEXT).sendString(Mono.just(message + "\n"));
    }

    private Publisher<Void> file(HttpServerResponse res, String name) {
        Optional<StaticFiles.StaticFile> file = files.get(name);
        if (file.isEmpty()) {
            return notFound(res, "not found");
        }
        return res.header(HttpHeaderNames.CONTENT_TYPE, file.get().contentType())
                .header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .sendByteArray(Mono.just(file.get().bytes()));
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

        private Builder() {
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
         * @throws IllegalArgumentException without a directory
         * @throws IllegalStateException    if the viewer page is missing from the classpath
         */
        public HttpTransport build() {
            if (directory == null || metrics == null || health == null || reload == null) {
                throw new IllegalArgumentException("directory, metrics, health and reload are required");
            }
            return new HttpTransport(this);
        }
    }
}
