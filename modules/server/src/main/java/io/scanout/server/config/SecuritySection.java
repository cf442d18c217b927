package io.scanout.server.config;

import io.scanout.server.SecretFiles;
import io.scanout.server.cli.SecurityOptions;
import io.scanout.transport.security.AuthThrottle;
import io.scanout.transport.security.BearerToken;
import io.scanout.transport.security.OriginPolicy;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import io.scanout.transport.security.TlsSettings;
import io.scanout.transport.security.UrlSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * The {@code security:} section of {@code scanout.yaml} (docs/security.md). Secrets are never in
 * the file itself: a token names the file or environment variable that holds it.
 *
 * <pre>
 * security:
 *   tokens:
 *     alice: { scopes: "view, input", file: alice.token }   # paths are relative to this file
 *     prometheus: { scopes: metrics, env: PROMETHEUS_TOKEN }
 *     bob: { scopes: view, file: bob.token, streams: "vm1, vm2" }   # these streams only
 *   url-secret-file: url.secret
 *   tls-cert: cert.pem
 *   tls-key: key.pem
 *   allow-origins: "https://viewer.example.com, https://ops.example.com"
 *   max-connections-per-client: 20
 *   max-connections: 1000
 *   public-metrics: false
 *   public-healthz: true
 *   insecure-no-auth: false
 *   auth-failures: 5        # wrong credentials in a row that block an address; 0: never
 *   auth-block: 10s         # the first block; doubles with each further failure, up to 10m
 * </pre>
 *
 * The environment variable {@code SCANOUT_TOKEN}, when set, adds a token with every scope.
 */
final class SecuritySection {
    private static final Set<String> KEYS = Set.of("tokens", "url-secret-file", "tls-cert", "tls-key", "allow-origins",
            "max-connections-per-client", "max-connections", "public-metrics", "public-healthz", "insecure-no-auth",
            "auth-failures", "auth-block");
    private static final Set<String> TOKEN_KEYS = Set.of("scopes", "file", "env", "streams");
    private static final String KEY = "security";

    private final ConfigFile file;
    private final Path base;
    private final Map<String, String> environment;
    /** The file's stream ids, which a token's {@code streams:} may name. */
    private final Set<String> streamIds;

    /**
     * @param base      the directory relative paths start from (the config file's)
     * @param streamIds the streams the file defines
     */
    SecuritySection(ConfigFile file, Path base, Map<String, String> environment, Set<String> streamIds) {
        this.file = file;
        this.base = base;
        this.environment = environment;
        this.streamIds = streamIds;
    }

    /** The settings of the section; {@code entry} null when the file has none. */
    SecuritySettings read(NodeTuple entry) {
        SecuritySettings.Builder builder = SecuritySettings.builder();
        SecurityOptions.envToken(environment).ifPresent(builder::token);
        if (entry == null) {
            return builder.build();
        }
        Map<String, NodeTuple> fields = file.mapping(entry.getValueNode(), KEY, KEYS);
        if (fields.containsKey("tokens")) {
            Map<String, NodeTuple> tokens = file.mapping(fields.get("tokens").getValueNode(), KEY + ".tokens", null);
            for (Map.Entry<String, NodeTuple> token : tokens.entrySet()) {
                builder.token(token(token.getKey(), token.getValue()));
            }
        }
        if (fields.containsKey("url-secret-file")) {
            builder.urlSigner(file.value(fields.get("url-secret-file"), KEY + ".url-secret-file",
                    text -> UrlSigner.of(SecretFiles.read(path(text)).getBytes(StandardCharsets.UTF_8))));
        }
        if (fields.containsKey("tls-cert") != fields.containsKey("tls-key")) {
            throw new ConfigException(file.name(), ConfigFile.line(entry.getKeyNode()), KEY,
                    "tls-cert and tls-key go together");
        }
        if (fields.containsKey("tls-cert")) {
            Path cert = file.value(fields.get("tls-cert"), KEY + ".tls-cert", this::path);
            builder.tls(file.value(fields.get("tls-key"), KEY + ".tls-key", key -> TlsSettings.load(cert, path(key))));
        }
        if (fields.containsKey("allow-origins")) {
            builder.origins(file.value(fields.get("allow-origins"), KEY + ".allow-origins",
                    text -> OriginPolicy.allow(Arrays.stream(text.split(",")).map(String::strip)
                            .filter(s -> !s.isEmpty()).toList())));
        }
        int perClient = fields.containsKey("max-connections-per-client")
                ? file.value(fields.get("max-connections-per-client"), KEY + ".max-connections-per-client",
                        SecuritySection::count)
                : SecuritySettings.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
        int total = fields.containsKey("max-connections")
                ? file.value(fields.get("max-connections"), KEY + ".max-connections", SecuritySection::count)
                : SecuritySettings.DEFAULT_MAX_CONNECTIONS;
        builder.maxConnections(perClient, total);
        if (fields.containsKey("public-metrics")) {
            builder.publicMetrics(file.value(fields.get("public-metrics"), KEY + ".public-metrics", ConfigFile::yesNo));
        }
        if (fields.containsKey("public-healthz")) {
            builder.publicHealth(file.value(fields.get("public-healthz"), KEY + ".public-healthz", ConfigFile::yesNo));
        }
        if (fields.containsKey("insecure-no-auth")) {
            builder.insecureNoAuth(file.value(fields.get("insecure-no-auth"), KEY + ".insecure-no-auth",
                    ConfigFile::yesNo));
        }
        int failures = fields.containsKey("auth-failures")
                ? file.value(fields.get("auth-failures"), KEY + ".auth-failures", SecuritySection::failures)
                : AuthThrottle.Policy.DEFAULT_THRESHOLD;
        Duration block = fields.containsKey("auth-block")
                ? file.value(fields.get("auth-block"), KEY + ".auth-block", SecurityOptions::parseBlock)
                : AuthThrottle.Policy.DEFAULT_FIRST_BLOCK;
        NodeTuple at = fields.containsKey("auth-block") ? fields.get("auth-block") : fields.get("auth-failures");
        if (at != null) {
            builder.authFailures(file.value(at, KEY + (fields.containsKey("auth-block") ? ".auth-block"
                    : ".auth-failures"), unused -> AuthThrottle.Policy.of(failures, block)));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.name(), ConfigFile.line(entry.getKeyNode()), KEY, e.getMessage());
        }
    }

    /** {@code auth-failures}: a whole number, 0 (off) or more. */
    static int failures(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("should be a whole number of failures, 0 (off) or more, not '" + text + "'");
    }

    private BearerToken token(String name, NodeTuple entry) {
        String key = KEY + ".tokens." + name;
        Map<String, NodeTuple> fields = file.mapping(entry.getValueNode(), key, TOKEN_KEYS);
        int line = ConfigFile.line(entry.getKeyNode());
        if (!fields.containsKey("scopes")) {
            throw new ConfigException(file.name(), line, key, "has no 'scopes' (view, input, admin, metrics)");
        }
        Set<Scope> scopes = file.value(fields.get("scopes"), key + ".scopes", Scope::parseList);
        Set<String> streams = fields.containsKey("streams")
                ? file.value(fields.get("streams"), key + ".streams", this::streamList) : Set.of();
        if (fields.containsKey("file") == fields.containsKey("env")) {
            throw new ConfigException(file.name(), line, key,
                    "needs its secret from 'file: PATH' or 'env: VARIABLE' (one of them; never the secret itself)");
        }
        String secret = fields.containsKey("file")
                ? file.value(fields.get("file"), key + ".file", text -> SecretFiles.read(path(text)))
                : file.value(fields.get("env"), key + ".env", this::fromEnvironment);
        return file.value(fields.containsKey("file") ? fields.get("file") : fields.get("env"), key,
                unused -> BearerToken.of(name, secret, scopes, streams));
    }

    /** {@code "vm1, vm2"}: streams of this file, at least one. */
    private Set<String> streamList(String text) {
        Set<String> streams = new LinkedHashSet<>();
        for (String id : text.split(",")) {
            String stream = id.strip();
            if (!streamIds.contains(stream)) {
                throw new IllegalArgumentException("names no stream of this file: '" + stream + "' (streams: "
                        + String.join(", ", streamIds) + ")");
            }
            streams.add(stream);
        }
        return streams;
    }

    private String fromEnvironment(String variable) {
        String secret = environment.get(variable);
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the environment variable " + variable + " is not set");
        }
        return secret.strip();
    }

    private Path path(String text) {
        Path p = Path.of(text);
        return base == null || p.isAbsolute() ? p : base.resolve(p);
    }

    static int count(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("should be a whole number of connections, at least 1, not '" + text + "'");
    }

}
