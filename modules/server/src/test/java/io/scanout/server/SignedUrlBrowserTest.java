package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import io.scanout.transport.security.BearerToken;
import io.scanout.transport.security.Scope;
import io.scanout.transport.security.SecuritySettings;
import io.scanout.transport.security.UrlSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A server with auth on, opened in Debian's Chromium from a signed URL alone: the page loads, its
 * WebSocket carries the signature and the stream plays; the bare page is refused.
 */
class SignedUrlBrowserTest {
    private static final byte[] SECRET = "browser-url-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final UrlSigner signer = UrlSigner.of(SECRET);
    private ViewerPage viewer;

    @BeforeEach
    void start(@TempDir Path profile) {
        viewer = ViewerPage.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("main", "synthetic:640x360@30", EncoderSettings.builder().build())))
                .withSecurity(SecuritySettings.builder()
                        .token(BearerToken.of("ops", "ops-token-0123456789abcdef", EnumSet.allOf(Scope.class)))
                        .urlSigner(signer)
                        .build()), profile);
    }

    @AfterEach
    void stop() {
        if (viewer != null) {
            viewer.close();
        }
    }

    @Test
    void thePageFromASignedUrlPlaysAndTheBarePageIsRefused() {
        ChromeDriver browser = viewer.browser();
        browser.get(viewer.url("/"));
        assertThat(browser.getPageSource()).contains("unauthorized");

        browser.get(viewer.url("/?" + signer.sign("main", Instant.now().plusSeconds(600), EnumSet.of(Scope.VIEW))));
        viewer.awaitFramesDecoded(30, Duration.ofSeconds(60), "the page from a signed URL never decoded 30 frames");
        assertThat(((Number) browser.executeScript("return window.scanoutStats.width")).intValue()).isEqualTo(640);
    }
}
