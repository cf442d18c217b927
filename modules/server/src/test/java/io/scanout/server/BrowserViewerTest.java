package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.Rect;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * The viewer page in a real browser: Debian's Chromium, headless, driven through chromedriver,
 * decodes the stream with WebCodecs into its canvas; the test reads the canvas back.
 */
class BrowserViewerTest {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;

    private ViewerPage viewer;

    @BeforeEach
    void start(@TempDir Path profile) {
        viewer = ViewerPage.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("main", "synthetic:" + WIDTH + "x" + HEIGHT + "@30",
                        EncoderSettings.builder().build()))), profile);
    }

    @AfterEach
    void stop() {
        if (viewer != null) {
            viewer.close();
        }
    }

    @Test
    void thePageShowsTheColourBarsAndCountsFrames() {
        viewer.browser().get(viewer.url("/"));
        viewer.awaitFramesDecoded(30, Duration.ofSeconds(60), "the page never decoded 30 frames");
        JavascriptExecutor js = viewer.browser();
        // fps is measured over a second: wait for the next overlay update to have one.
        new FluentWait<>(js).withTimeout(Duration.ofSeconds(10)).pollingEvery(Duration.ofMillis(250))
                .withMessage("the page never reported a frame rate")
                .until(page -> ((Number) page.executeScript("return window.scanoutStats.fps || 0")).doubleValue() > 0);

        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) js.executeScript("return window.scanoutStats");
        assertThat(((Number) stats.get("width")).intValue()).isEqualTo(WIDTH);
        assertThat(((Number) stats.get("height")).intValue()).isEqualTo(HEIGHT);
        assertThat(((Number) stats.get("fps")).doubleValue()).isPositive();

        SyntheticPattern pattern = new SyntheticPattern(WIDTH, HEIGHT);
        for (int bar = 0; bar < 7; bar++) {
            Rect r = pattern.barRect(bar);
            int x = r.x() + r.width() / 2;
            int y = r.y() + r.height() / 2;
            @SuppressWarnings("unchecked")
            List<Number> px = (List<Number>) js.executeScript(
                    "const c = document.getElementById('screen');"
                            + "return Array.from(c.getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data);",
                    x, y);
            int expected = pattern.barColorRgb(bar);
            int[] want = {expected >> 16 & 0xff, expected >> 8 & 0xff, expected & 0xff};
            for (int c = 0; c < 3; c++) {
                assertThat(px.get(c).intValue()).as("bar %d channel %d at %d,%d", bar, c, x, y)
                        .isCloseTo(want[c], org.assertj.core.data.Offset.offset(16));
            }
        }
    }
}
