package io.scanout.server;

import io.scanout.transport.testing.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * The set-up of the browser tests: a Scanout server and Debian's headless Chromium, 1280×800, to
 * open its viewer page in. {@link #close()} quits the browser, then closes the server.
 */
final class ViewerPage implements AutoCloseable {
    private final ScanoutServer server;
    private final ChromeDriver browser;

    private ViewerPage(ScanoutServer server, ChromeDriver browser) {
        this.server = server;
        this.browser = browser;
    }

    /**
     * Starts a server with {@code settings} and a browser with its profile in {@code profile}; skips
     * the test, saying why, when Chromium or its driver is not installed. The caller closes it.
     */
    static ViewerPage start(ServerSettings settings, Path profile) {
        HeadlessChromium.assumeInstalled();
        ScanoutServer server = ScanoutServer.start(settings);
        try {
            return new ViewerPage(server, HeadlessChromium.start(profile, 1280, 800));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    ScanoutServer server() {
        return server;
    }

    /** The browser; also a {@code JavascriptExecutor} on the page it shows. */
    ChromeDriver browser() {
        return browser;
    }

    /** The server's address with {@code pathAndQuery} ({@code "/?stream=desk"}) after it. */
    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.port() + pathAndQuery;
    }

    /**
     * Waits until the page has decoded at least {@code frames} frames ({@code window.scanoutStats}),
     * failing with {@code failure} after {@code limit}.
     */
    void awaitFramesDecoded(long frames, Duration limit, String failure) {
        new FluentWait<>(browser).withTimeout(limit).pollingEvery(Duration.ofMillis(250))
                .withMessage(failure)
                .until(page -> ((Number) page.executeScript(
                        "return (window.scanoutStats && window.scanoutStats.framesDecoded) || 0")).longValue() >= frames);
    }

    @Override
    public void close() {
        try {
            browser.quit();
        } finally {
            server.close();
        }
    }
}
