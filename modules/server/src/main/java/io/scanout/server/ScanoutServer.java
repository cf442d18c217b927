package io.scanout.server;

import io.scanout.core.FramePool;
import io.scanout.transport.HttpTransport;
import io.scanout.transport.rfb.RfbDmaBufCopies;
import io.scanout.transport.rfb.RfbSecurity;
import io.scanout.transport.rfb.RfbServer;
import io.scanout.transport.rfb.RfbWebSocketHandler;
import io.scanout.transport.StreamDirectory;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.StreamInfo;
import io.scanout.transport.mux.MuxFormat;
import io.scanout.transport.mux.MuxHandler;
import io.scanout.transport.push.StreamPushers;
import io.scanout.transport.security.AuthThrottle;
import io.scanout.transport.security.ConnectionLimits;
import io.scanout.transport.security.SecuritySettings;
import io.scanout.transport.security.TlsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.scanout.server.cli.BindAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Scanout: its streams, the HTTP/WebSocket server in front of them, and the meters.
 * {@link #start} returns once the port is bound and every stream is running; {@link #reload}
 * adds, removes and restarts streams without touching the others; {@link #close()} stops the
 * server, then the streams, then frees the frame pool.
 *
 * <p>Thread-safe: lookups read an immutable snapshot of the streams; reloads are serialised.
 */
public final class ScanoutServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScanoutServer.class);

    private final FramePool pool = new FramePool();
    private final ServerMetrics metrics = new ServerMetrics(pool);
    private final BindAddress bind;
    private volatile Map<String, StreamPipeline> streams = Map.of();
    private volatile Supplier<ServerSettings> reloadSource;
    /** Each stream's pushers to media servers, by stream id; started and stopped with the stream. */
    private final Map<String, StreamPushers> pushers = new ConcurrentHashMap<>();
    private final HttpTransport.Running http;
    /** VNC over TCP ({@code --vnc-bind}); null when not asked for. */
    private final RfbServer vnc;
    /**
     * The CPU copies of dma-buf pictures that a stream's VNC clients share, over TCP and WebSocket
     * alike; closed after both have stopped.
     */
    private final RfbDmaBufCopies vncCopies = new RfbDmaBufCopies();
    /**
     * Failed authentications per client address, one table for HTTP, RFB over WebSocket and RFB
     * over TCP: a guesser cannot switch protocol to start afresh. Not reloaded.
     */
    private final AuthThrottle authThrottle;

    private ScanoutServer(ServerSettings settings) {
        FfmpegLogging.configure();
        this.bind = settings.bind();
        this.authThrottle = new AuthThrottle(settings.security().authFailures());
        authThrottle.bindTo(metrics.registry());
        try {
            Map<String, StreamPipeline> started = new LinkedHashMap<>();
            streams = started;
            for (StreamSettings stream : settings.streams()) {
                started.put(stream.id(), startPushing(new StreamPipeline(stream, pool, metrics.registry())));
            }
            streams = Collections.unmodifiableMap(started);
            http = HttpTransport.builder()
                    .bind(settings.bind().host(), settings.bind().port())
                    .directory(new Directory())
                    .metrics(metrics::scrape)
                    .health(() -> !streams.isEmpty())
                    .reload(this::reloadFromSource)
                    .security(settings.security())
                    .authThrottle(authThrottle)
                    .streamHandler("/rfb", new RfbWebSocketHandler(vncSecurity(settings.vnc()), vncCopies))
                    .streamHandler(MuxFormat.MPEG_TS.suffix(), MuxHandler.of(MuxFormat.MPEG_TS))
                    .streamHandler(MuxFormat.FRAGMENTED_MP4.suffix(), MuxHandler.of(MuxFormat.FRAGMENTED_MP4))
                    .build()
                    .start();
            vnc = startVnc(settings.vnc(), settings.security(), http);
        } catch (RuntimeException e) {
            closeStreams();
            vncCopies.close();
            metrics.close();
            pool.close();
            throw e;
        }
        log.info("Scanout is serving {} stream(s) at {}://{}:{}/", streams.size(),
                settings.security().tls() != null ? "https" : "http",
                hostForUrl(settings.bind().host()), http.port());
    }

    /**
     * Starts the streams and binds the server.
     *
     * @throws IllegalArgumentException for settings that cannot work (a bad source URI, say)
     */
    public static ScanoutServer start(ServerSettings settings) {
        checkAuth(settings);
        return new ScanoutServer(settings);
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return http.port();
    }

    /** The port VNC listens on over TCP, when {@code --vnc-bind} was given (the real one for port 0). */
    public OptionalInt vncPort() {
        return vnc == null ? OptionalInt.empty() : OptionalInt.of(vnc.port());
    }

        public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    public FramePool framePool() {
        return pool;
    }

    /**
     * Brings the streams in line with new settings: starts new ids, stops ids that are gone,
     * restarts streams whose settings changed, and leaves the rest — and their viewers — alone.
     * All or nothing: the new streams' sources and encoders are checked first; when one cannot
     * start, nothing changes.
     *
     * @throws IllegalArgumentException when a new stream cannot start (a bad source URI, say)
     */
    public synchronized ReloadReport reload(ServerSettings settings) {
        if (!settings.bind().equals(bind)) {
            log.warn("reload: the bind address changes only on restart (still {}, not {})", bind, settings.bind());
        }
        Map<String, StreamPipeline> before = streams;
        List<StreamSettings> toStart = new ArrayList<>();
        for (StreamSettings wanted : settings.streams()) {
            StreamPipeline running = before.get(wanted.id());
            if (running == null || !running.settings().equals(wanted)) {
                toStart.add(wanted);
            }
        }
        // All or nothing: every new source and encoder is checked before anything is touched.
        toStart.forEach(wanted -> StreamPipeline.check(wanted, pool));

        Map<String, StreamPipeline> after = new LinkedHashMap<>();
        List<String> added = new ArrayList<>();
        List<String> restarted = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (StreamSettings wanted : settings.streams()) {
            StreamPipeline running = before.get(wanted.id());
            if (!toStart.contains(wanted)) {
                after.put(wanted.id(), running);
                unchanged.add(wanted.id());
                continue;
            }
            if (running != null) {
                // The old one goes first: the two would share the stream's meters, by id.
                stopPushing(wanted.id());
                running.close();
                restarted.add(wanted.id());
            } else {
                added.add(wanted.id());
            }
            after.put(wanted.id(), startPushing(new StreamPipeline(wanted, pool, metrics.registry())));
        }
        List<String> removed = new ArrayList<>();
        for (StreamPipeline old : before.values()) {
            if (!after.containsKey(old.id())) {
                stopPushing(old.id());
                old.close();
                removed.add(old.id());
            }
        }
        streams = Collections.unmodifiableMap(after);
        ReloadReport report = new ReloadReport(added, removed, restarted, unchanged);
        log.info("reload: {}", report);
        return report;
    }

    /** Where {@link #reloadFromSource()} reads new settings from, e.g. the configuration file. */
    public void onReloadRequest(Supplier<ServerSettings> source) {
        this.reloadSource = source;
    }

    /**
     * Reads the settings again (SIGHUP, {@code POST /admin/reload}) and applies them.
     *
     * @throws IllegalStateException when the server was not started from a file it can re-read
     * @throws IllegalArgumentException when the new settings are wrong; nothing changes then
     */
    public ReloadReport reloadFromSource() {
        Supplier<ServerSettings> source = reloadSource;
        if (source == null) {
            throw new IllegalStateException("this server was started without --config: nothing to reload");
        }
        return reload(source.get());
    }

    /**
     * A non-loopback address without auth is refused before anything starts, saying how to set a
     * token; with {@code --insecure-no-auth} it is logged loudly. {@link #start} calls it; the
     * command line calls it too, to check settings without starting them.
     *
     * @throws IllegalArgumentException when the bind address needs auth the settings lack
     */
    public static void checkAuth(ServerSettings settings) {
        String host = settings.bind().host();
        try {
            settings.security().checkBind(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ". Set a token: --token-file FILE (or the SCANOUT_TOKEN"
                    + " environment variable, or 'security: tokens:' in the config file; make one with 'openssl rand"
                    + " -hex 32'), or pass --insecure-no-auth to serve it openly anyway", e);
        }
        if (!settings.security().authEnabled() && !SecuritySettings.isLoopback(host)) {
            log.warn("*** --insecure-no-auth: serving {} WITHOUT AUTHENTICATION. Anyone who can reach this address can"
                    + " watch every stream and, where input is on, control the machine. ***", settings.bind());
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** VNC Authentication with the configured password; without one, loopback clients only. */
    private RfbSecurity vncSecurity(VncSettings vnc) {
        return RfbSecurity.loopbackOnly().withPassword(vnc.password().orElse(null)).withThrottle(authThrottle);
    }

    /**
     * Starts the TCP RFB server when asked, offering VeNCrypt with the HTTP server's certificate when
     * there is one (RFB over WebSocket rides the HTTP server's own TLS instead) and holding to the same
     * connection limits; on failure closes the HTTP server already started.
     */
    private RfbServer startVnc(VncSettings settings, SecuritySettings server, HttpTransport.Running started) {
        if (settings.bind().isEmpty()) {
            return null;
        }
        TlsSettings tls = server.tls();
        RfbSecurity security = tls == null ? vncSecurity(settings) : vncSecurity(settings).withTls(tls.sslContext());
        ConnectionLimits limits = new ConnectionLimits(server.maxConnectionsPerClient(), server.maxConnections());
        try {
            return RfbServer.start(settings.bind().get().host(), settings.bind().get().port(),
                    () -> vncStream(settings), security, limits, vncCopies);
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /** The stream VNC clients watch: the one named, else the first; looked up per connection (reloads). */
    private Optional<StreamEndpoint> vncStream(VncSettings settings) {
        Map<String, StreamPipeline> now = streams;
        if (settings.stream().isPresent()) {
            return Optional.ofNullable(now.get(settings.stream().get()));
        }
        return now.values().stream().findFirst().map(StreamEndpoint.class::cast);
    }

    @Override
    public void close() {
        if (vnc != null) {
            vnc.close();
        }
        http.close();
        vncCopies.close();
        closeStreams();
        metrics.close();
        pool.close();
    }

    private void closeStreams() {
        streams.keySet().forEach(this::stopPushing);
        streams.values().forEach(StreamPipeline::close);
    }

    /** Starts the stream's pushers ({@code push} URLs, checked in its settings); returns the stream. */
    private StreamPipeline startPushing(StreamPipeline stream) {
        if (!stream.settings().push().isEmpty()) {
            pushers.put(stream.id(), StreamPushers.start(stream.hub(), stream.settings().push()));
        }
        return stream;
    }

    private void stopPushing(String id) {
        StreamPushers running = pushers.remove(id);
        if (running != null) {
            running.dispose();
        }
    }

    /** The streams as the transport looks them up. */
    private final class Directory implements StreamDirectory {
        @Override
        public Optional<StreamEndpoint> find(String id) {
            return Optional.ofNullable(streams.get(id));
        }

        @Override
        public List<StreamInfo> list() {
            List<StreamInfo> infos = new ArrayList<>(streams.size());
            for (StreamPipeline stream : streams.values()) {
                infos.add(stream.info());
            }
            return infos;
        }
    }
}
