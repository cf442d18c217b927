package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.transport.testing.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The viewer page in a real browser: Debian's Chromium, headless and without a GPU, driven by
 * chromedriver, decodes a real H.264 stream (made by ffmpeg) with WebCodecs into its canvas. The
 * test reads the page's stats and the canvas's pixels back. Skipped where Chromium or ffmpeg is
 * not installed.
 */
class ViewerPageBrowserTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private H264Clip clip;
    private StreamHub hub;
    private HttpTransport transport;
    private HttpTransport.Running server;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        clip = H264Clip.make(dir, WIDTH, HEIGHT, 60, 30);
        browser = HeadlessChromium.start(dir.resolve("profile"), 800, 600);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (hub != null) {
            hub.dispose();
        }
    }

    /** Serves the clip, looped at 30 fps, as stream "desk"; each packet's capture time is now. */
    private void serve(IntFunction<byte[]> accessUnit) {
        hub = clip.loop(accessUnit);
        StreamEndpoint endpoint = H264Clip.endpoint(hub, WIDTH, HEIGHT);
        transport = HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .directory(StreamDirectory.of("desk", endpoint))
                .build();
        server = transport.start();
    }

    private Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    private double stat(String name) {
        Object value = script("return window.scanoutStats ? window.scanoutStats[arguments[0]] : null", name);
        return value instanceof Number number ? number.doubleValue() : -1;
    }

    private void awaitStat(String name, double atLeast) {
        await(() -> stat(name) >= atLeast, () -> "scanoutStats." + name + " never reached " + atLeast + "; stats: "
                + script("return JSON.stringify(window.scanoutStats)") + ", overlay: "
                + script("return document.getElementById('overlay').textContent"));
    }

    private static void await(BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + failure.get(), e);
            }
        }
    }

    private void assertPixel(int x, int y, int rgb) {
        @SuppressWarnings("unchecked")
        List<Number> px = (List<Number>) script("const c = document.getElementById('screen');"
                + "return Array.from(c.getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data);", x, y);
        int[] want = {rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff};
        for (int c = 0; c < 3; c++) {
            assertThat(px.get(c).intValue()).as("channel %d at %d,%d", c, x, y).isCloseTo(want[c], Offset.offset(12));
        }
    }

    @Test
    void thePageFindsTheStreamDecodesItAndShowsItsStats() {
        serve(i -> clip.accessUnits().get(i));
        browser.get("http://127.0.0.1:" + server.port() + "/");
        awaitStat("framesDecoded", 30);
        awaitStat("fps", 1);
        awaitStat("latencyMs", -10); // a number once a pong has come back

        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) script("return window.scanoutStats");
        assertThat(stats).containsEntry("state", "playing").containsEntry("codec", clip.config().codecString());
        assertThat(((Number) stats.get("width")).intValue()).isEqualTo(WIDTH);
        assertThat(((Number) stats.get("height")).intValue()).isEqualTo(HEIGHT);
        // Capture-to-display on one machine: never before capture, and in milliseconds, not µs.
        assertThat(((Number) stats.get("latencyMs")).doubleValue()).isBetween(-10.0, 10_000.0);
        assertThat(script("const c = document.getElementById('screen'); return [c.width, c.height]"))
                .isEqualTo(List.of(320L, 240L));
        assertPixel(WIDTH / 4, HEIGHT / 2, H264Clip.LEFT_RGB);
        assertPixel(3 * WIDTH / 4, HEIGHT / 2, H264Clip.RIGHT_RGB);
        String overlay = (String) script("return document.getElementById('overlay').textContent");
        assertThat(overlay).contains("desk: playing", "320×240", clip.config().codecString(), "libx264", "fps",
                "kbit/s", "latency");
    }

    @Test
    void keyframesWithoutParameterSetsAreDecodedWithThoseFromConfig() {
        serve(clip::withoutParameterSets);
        browser.get("http://127.0.0.1:" + server.port() + "/?stream=desk");
        awaitStat("framesDecoded", 30);
        assertPixel(WIDTH / 4, HEIGHT / 2, H264Clip.LEFT_RGB);
    }

    @Test
    void thePageReconnectsWhenTheServerComesBack() {
        serve(i -> clip.accessUnits().get(i));
        int port = server.port();
        browser.get("http://127.0.0.1:" + port + "/");
        awaitStat("framesDecoded", 10);
        server.close();
        await(() -> "disconnected".equals(script("return window.scanoutStats.state")),
                () -> "the page never noticed the server left");
        double before = stat("framesDecoded");
        server = HttpTransport.builder().bind("127.0.0.1", port).directory(new StreamDirectory() {
            @Override
            public Optional<StreamEndpoint> find(String id) {
                return "desk".equals(id) ? Optional.of(endpoint(hub)) : Optional.empty();
            }

            @Override
            public List<StreamInfo> list() {
                return List.of();
            }
        }).build().start();
        awaitStat("framesDecoded", before + 10);
        assertThat(script("return window.scanoutStats.state")).isEqualTo("playing");
    }

    private static StreamEndpoint endpoint(StreamHub hub) {
        StreamInfo info = new StreamInfo(hub.streamId(), "test:clip", WIDTH, HEIGHT, "XR24", "h264", "libx264", 0, 30,
                "running");
        return new StreamEndpoint() {
            @Override
            public StreamHub hub() {
                return hub;
            }

            @Override
            public StreamInfo info() {
                return info;
            }
        };
    }
}
