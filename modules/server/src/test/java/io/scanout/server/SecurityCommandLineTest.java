package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import io.scanout.server.config.ConfigException;
import io.scanout.server.config.ConfigFile;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import io.scanout.transport.security.UrlSigner;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The security options of the command line and the config file, and {@code scanout sign}. */
class SecurityCommandLineTest {
    private static final String SECRET = "url-secret-0123456789abcdef-0123";

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    @Timeout(30) // a server wrongly started would run until interrupted
    void aNonLoopbackBindWithoutAuthIsRefusedSayingHowToSetAToken() {
        assertThat(ScanoutRun.of("serve", "--bind", "0.0.0.0:0").usageErrorLine())
                .startsWith("scanout: refusing to listen on 0.0.0.0 without authentication")
                .contains("--token-file FILE").contains("SCANOUT_TOKEN").contains("--insecure-no-auth");
    }

    @Test
    @Timeout(30)
    void weakOrMisplacedSecretsAreUsageErrors() throws IOException {
        Path shortToken = file("short.token", "abc\n");
        ScanoutRun run = ScanoutRun.of("serve", "--bind", "0.0.0.0:0", "--token-file", shortToken.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("shorter than 16").doesNotContain("abc");
        Path config = file("scanout.yaml", "streams:\n  main:\n    source: synthetic:320x240@10\n");
        run = ScanoutRun.of("serve", "--config", config.toString(), "--token-file", shortToken.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--token-file goes in the config file's security: section");
        run = ScanoutRun.of("serve", "--tls-cert", config.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--tls-cert and --tls-key go together");
        // There is no option that takes a secret itself.
        assertThat(ScanoutRun.of("serve", "--token", "0123456789abcdef0123").exitCode()).isEqualTo(2);
        run = ScanoutRun.of("serve", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--token-file", "--url-secret-file", "--tls-cert", "--tls-key",
                "--allow-origin", "--max-connections-per-client", "--public-metrics", "--insecure-no-auth");
    }

    @Test
    void theConfigFileHasASecuritySectionWithNamedScopedTokens() throws IOException {
        Path alice = file("alice.token", "alice-secret-0123456789\n");
        Path secret = file("url.secret", SECRET);
        String yaml = "bind: 0.0.0.0:8080\n"
                + "security:\n"
                + "  tokens:\n"
                + "    alice: { scopes: 'view, input', file: " + alice + " }\n"
                + "    ops: { scopes: admin, env: PATH }\n"
                + "  url-secret-file: " + secret + "\n"
                + "  allow-origins: https://viewer.example.com\n"
                + "  max-connections-per-client: 7\n"
                + "  public-metrics: yes\n"
                + "streams:\n  main:\n    source: synthetic:320x240@10\n";
        SecuritySettings security = ConfigFile.parse("scanout.yaml", new StringReader(yaml)).security();
        assertThat(security.authEnabled()).isTrue();
        assertThat(security.tokens()).extracting(t -> t.name() + "=" + Scope.format(t.scopes()))
                .contains("alice=view,input", "ops=admin");
        assertThat(security.urlSigner()).isNotNull();
        assertThat(security.origins().allowed()).containsExactly("https://viewer.example.com");
        assertThat(security.maxConnectionsPerClient()).isEqualTo(7);
        assertThat(security.publicMetrics()).isTrue();
        assertThat(security.tls()).isNull();
    }

    @Test
    void badSecuritySectionsNameTheKey() {
        for (String[] c : List.of(
                new String[] {"  tokens:\n    bob: { scopes: view, secret: hunter2hunter2hunter2 }\n", "security.tokens.bob.secret"},
                new String[] {"  tokens:\n    bob: { scopes: view }\n", "'file: PATH' or 'env: VARIABLE'"},
                new String[] {"  tokens:\n    bob: { scopes: root, env: PATH }\n", "security.tokens.bob.scopes"},
                new String[] {"  max-connections: none\n", "security.max-connections"},
                new String[] {"  url-secret-file: /nonexistent/url.secret\n", "security.url-secret-file"},
                new String[] {"  tls-cert: /nonexistent/cert.pem\n", "tls-cert and tls-key go together"},
                new String[] {"  allow-origins: viewer.example.com\n", "security.allow-origins"})) {
            String yaml = "security:\n" + c[0] + "streams:\n  main:\n    source: synthetic:320x240@10\n";
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> ConfigFile.parse("scanout.yaml", new StringReader(yaml)))
                    .as(c[0]).isInstanceOf(ConfigException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void signPrintsAUrlTheServerAcceptsUntilItExpires() throws Exception {
        Path secret = file("url.secret", SECRET + "\n");
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0),
                List.of(new StreamSettings("main", "synthetic:320x240@10", EncoderSettings.builder().build())))
                .withSecurity(SecuritySettings.builder()
                        .urlSigner(UrlSigner.of(SECRET.getBytes(StandardCharsets.UTF_8))).build()))) {
            String base = "http://127.0.0.1:" + server.port();
            ScanoutRun run = ScanoutRun.of("sign", "--stream", "main", "--ttl", "1h", "--url-secret-file",
                    secret.toString(), "--base-url", base);
            assertThat(run.exitCode()).isZero();
            String url = run.out().strip();
            assertThat(url).startsWith(base + "/?stream=main&exp=").contains("&scope=view&sig=");
            long exp = Long.parseLong(url.replaceAll(".*exp=(\\d+).*", "$1"));
            assertThat(exp - System.currentTimeMillis() / 1000).isBetween(3500L, 3601L);

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertThat(get(http, url)).isEqualTo(200);
            assertThat(get(http, base + "/?stream=main")).isEqualTo(401);
            assertThat(get(http, url.replace("exp=" + exp, "exp=" + (exp + 60)))).isEqualTo(401);
            assertThat(get(http, url.replace("stream=main", "stream=other"))).isEqualTo(401);
        }
    }

    private static int get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void signRefusesWhatItCannotSign() throws IOException {
        Path secret = file("url.secret", SECRET);
        ScanoutRun run = ScanoutRun.of("sign", "--stream", "main");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--url-secret-file");
        // option, value, what the refusal names
        for (String[] c : List.of(new String[] {"--ttl", "0h", "'0h'"}, new String[] {"--ttl", "soon", "'soon'"},
                new String[] {"--ttl", "400d", "365d"}, new String[] {"--scope", "admin", "admin"},
                new String[] {"--stream", "a/b", "stream id"})) {
            run = ScanoutRun.of("sign", "--url-secret-file", secret.toString(), c[0], c[1]);
            assertThat(run.exitCode()).as(c[1]).isEqualTo(2);
            assertThat(run.err()).as(c[1]).contains(c[2]);
        }
    }
}
