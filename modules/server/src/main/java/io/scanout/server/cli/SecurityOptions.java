package io.scanout.server.cli;

import io.scanout.server.SecretFiles;
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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The security options of {@code scanout serve} (docs/security.md). Secrets come from files or the
 * environment, never from the command line: other users of the machine can read it in {@code ps}.
 */
public final class SecurityOptions {
    /** The environment variable holding a bearer token with every scope. */
    public static final String TOKEN_ENV = "SCANOUT_TOKEN";

    /** The options here, to refuse them beside {@code --config}, whose file has a {@code security:} section. */
    static final List<String> NAMES = List.of("--token-file", "--url-secret-file", "--tls-cert", "--tls-key",
            "--allow-origin", "--max-connections-per-client", "--max-connections", "--public-metrics",
            "--insecure-no-auth", "--auth-failures", "--auth-block");
    private static final Pattern BLOCK = Pattern.compile("(\\d{1,6})(s|m|h)");

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding a bearer token with every scope (view, input, admin, metrics); the"
                    + " environment variable " + TOKEN_ENV + " works too. Make one with 'openssl rand -hex 32'.")
    Path tokenFile;

    @Option(names = "--url-secret-file", paramLabel = "FILE",
            description = "A file holding the secret that signs viewer URLs ('scanout sign' makes them).")
    Path urlSecretFile;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve HTTPS and WSS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PKCS#8 PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "A page origin allowed to open WebSockets besides the server's own host, e.g."
                    + " https://viewer.example.com; '*' allows any. Repeatable.")
    List<String> allowOrigins = new ArrayList<>();

    @Option(names = "--max-connections-per-client", paramLabel = "N",
            defaultValue = "" + SecuritySettings.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
            description = "Streaming connections one client address may hold (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + SecuritySettings.DEFAULT_MAX_CONNECTIONS,
            description = "Streaming connections of all clients together (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--public-metrics", description = "Serve /metrics without a token when auth is on.")
    boolean publicMetrics;

    @Option(names = "--auth-failures", paramLabel = "N", defaultValue = "" + AuthThrottle.Policy.DEFAULT_THRESHOLD,
            description = "Wrong passwords, tokens or URL signatures in a row that block the client's address"
                    + " (IPv6: its /64), over HTTP and VNC alike (default: ${DEFAULT-VALUE}; 0 turns this off).")
    int authFailures;

    @Option(names = "--auth-block", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long a blocked address is refused at first, e.g. 10s or 1m; it doubles with each"
                    + " further failure, up to 10m (default: ${DEFAULT-VALUE}).")
    String authBlock;

    @Option(names = "--insecure-no-auth",
            description = "Serve a non-loopback address without auth: anyone who reaches it can watch (and control).")
    boolean insecureNoAuth;

    /**
     * The settings, with secrets read from their files and {@code environment}.
     *
     * @throws IllegalArgumentException for an unreadable file, a weak secret, a bad origin or limit
     */
    SecuritySettings settings(Map<String, String> environment) {
        SecuritySettings.Builder builder = SecuritySettings.builder();
        envToken(environment).ifPresent(builder::token);
        if (tokenFile != null) {
            builder.token(BearerToken.of("token-file", SecretFiles.read(tokenFile), EnumSet.allOf(Scope.class)));
        }
        if (urlSecretFile != null) {
            builder.urlSigner(UrlSigner.of(SecretFiles.read(urlSecretFile).getBytes(StandardCharsets.UTF_8)));
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsCert != null) {
            builder.tls(TlsSettings.load(tlsCert, tlsKey));
        }
        return builder.origins(OriginPolicy.allow(allowOrigins))
                .maxConnections(maxConnectionsPerClient, maxConnections)
                .publicMetrics(publicMetrics)
                .insecureNoAuth(insecureNoAuth)
                .authFailures(AuthThrottle.Policy.of(authFailures, parseBlock(authBlock)))
                .build();
    }

    /**
     * The first block of an address that failed too often: {@code 10s}, {@code 2m}, {@code 1h}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Duration parseBlock(String text) {
        Matcher m = text == null ? null : BLOCK.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("an authentication block is a duration like 10s, 1m or 1h, not '"
                    + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** {@value #TOKEN_ENV}, when set: a token with every scope, named "env". */
    public static java.util.Optional<BearerToken> envToken(Map<String, String> environment) {
        String secret = environment.get(TOKEN_ENV);
        if (secret == null || secret.isBlank()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(BearerToken.of("env", secret.strip(), EnumSet.allOf(Scope.class)));
    }
}
