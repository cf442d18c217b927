package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.transport.testing.HeadlessChromium;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * A server with auth on, opened in Debian's Chromium from a signed URL alone: the page loads, its
 * WebSocket carries the signature and the stream plays; the bare page is refused.
 */
class SignedUrlBrowserTest {
    private static final byte[] SECRET = "browser-url-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final UrlSigner signer = UrlSigner.of(SECRET);
    private ScanoutServer server;
    private ChromeDriver browser;

    @BeforeEach
    void start(@TempDir Path profile) {
        HeadlessChromium.assumeInstalled();
        server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("main", "synthetic:640x360@30", EncoderSettings.builder().build())))
                .withSecurity(SecuritySettings.builder()
                        .token(BearerToken.of("ops", "ops-token-0123456789abcdef", EnumSet.allOf(Scope.class)))
                        .urlSigner(signer)
                        .build()));
        browser = HeadlessChromium.start(profile, 1280, 800);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePageFromASignedUrlPlaysAndTheBarePageIsRefused() {
        String base = "http://127.0.0.1:" + server.port() + "/";
        browser.get(base);
        assertThat(browser.getPageSource()).contains("unauthorized");

        browser.get(base + "?" + signer.sign("main", Instant.now().plusSeconds(600), EnumSet.of(Scope.VIEW)));
        JavascriptExecutor js = browser;
        new FluentWait<>(js).withTimeout(Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(250))
                .withMessage("the page from a signed URL never decoded 30 frames")
                .until(page -> ((Number) page.executeScript(
                        "return (window.scanoutStats && window.scanoutStats.framesDecoded) || 0")).longValue() >= 30);
        assertThat(((Number) js.executeScript("return window.scanoutStats.width")).intValue()).isEqualTo(640);
    }
}
