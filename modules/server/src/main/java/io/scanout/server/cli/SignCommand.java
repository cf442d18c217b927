package io.scanout.server.cli;

import io.scanout.server.SecretFiles;
import io.scanout.server.StreamSettings;
import io.scanout.server.config.ConfigFile;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.UrlSigner;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scanout sign}: prints a viewer URL for one stream that works without a token until it
 * expires (docs/security.md). Signed with the server's URL secret; nothing is sent anywhere.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Prints a signed, expiring viewer URL for a stream, to share instead of a token.")
public final class SignCommand implements Callable<Integer> {
    /** Longest a URL may live: a link that outlives its purpose is a token nobody can revoke but by a new secret. */
    static final Duration MAX_TTL = Duration.ofDays(365);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--stream", paramLabel = "ID", defaultValue = "main",
            description = "The stream the URL opens (default: ${DEFAULT-VALUE}).")
    String stream;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h",
            description = "How long the URL works: 90s, 30m, 1h, 7d (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--scope", paramLabel = "SCOPES", defaultValue = "view",
            description = "view, or view,input to let its holder send keyboard and mouse (default: ${DEFAULT-VALUE}).")
    String scope;

    @Option(names = "--url-secret-file", paramLabel = "FILE", description = "The server's URL signing secret.")
    Path urlSecretFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Take the secret from this scanout.yaml's security.url-secret-file instead.")
    Path config;

    @Option(names = "--base-url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The server as viewers reach it (default: ${DEFAULT-VALUE}).")
    URI baseUrl;

    @Override
    public Integer call() {
        UrlSigner signer;
        Set<Scope> scopes;
        Instant expires;
        try {
            StreamSettings.checkId(stream);
            scopes = Scope.parseList(scope);
            expires = Instant.now().plus(parseTtl(ttl));
            signer = signer();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String query;
        try {
            query = signer.sign(stream, expires, scopes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String base = baseUrl.toString().replaceAll("/+$", "");
        spec.commandLine().getOut().println(base + "/?" + query);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private UrlSigner signer() {
        if ((urlSecretFile == null) == (config == null)) {
            throw new IllegalArgumentException("give the URL secret with --url-secret-file FILE or --config FILE"
                    + " (one of them)");
        }
        if (urlSecretFile != null) {
            return UrlSigner.of(SecretFiles.read(urlSecretFile).getBytes(StandardCharsets.UTF_8));
        }
        UrlSigner signer = ConfigFile.read(config).security().urlSigner();
        if (signer == null) {
            throw new IllegalArgumentException(config + " has no security.url-secret-file");
        }
        return signer;
    }

    /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}: up to {@link #MAX_TTL}. */
    static Duration parseTtl(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration unit = t.isEmpty() ? null : switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(1);
            case 'm' -> Duration.ofMinutes(1);
            case 'h' -> Duration.ofHours(1);
            case 'd' -> Duration.ofDays(1);
            default -> null;
        };
        long amount;
        try {
            amount = unit == null ? -1 : Long.parseLong(t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            amount = -1;
        }
        if (amount < 1 || amount > MAX_TTL.getSeconds()) {
            throw new IllegalArgumentException("a TTL is a number with s, m, h or d, e.g. 1h, not '" + text + "'");
        }
        Duration ttl = unit.multipliedBy(amount);
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a signed URL may live at most 365d, not " + text);
        }
        return ttl;
    }
}
