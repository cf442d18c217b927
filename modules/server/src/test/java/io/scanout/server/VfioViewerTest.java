package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.scanout.capture.vfio.EmulatedVfioDisplay;
import io.scanout.core.FramePool;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.CursorPosition;
import io.scanout.encode.EncoderSettings;
import io.scanout.transport.HttpTransport;
import io.scanout.transport.StreamDirectory;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.ws.ViewerMessage;
import io.scanout.transport.ws.ViewerMessages;
import io.scanout.transport.testing.HeadlessChromium;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A VFIO stream end to end, from an emulated mbochs vGPU (this machine has none) through convert,
 * x264 and the WebSocket to a viewer: the guest's cursor plane reaches the viewer as CURSOR and
 * CURSOR_POSITION, and the viewer's WINDOW_SIZE reaches the guest through EDID — its new mode
 * comes back as a CONFIG of that size — when the stream permits input.
 */
class VfioViewerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String DEVICE_URI = "vfio:83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FramePool pool = new FramePool();
    private final EmulatedVfioDisplay display = new EmulatedVfioDisplay(640, 480);
    private final List<ViewerMessage> received = new CopyOnWriteArrayList<>();
    private final Sinks.Many<ByteBuffer> toServer = Sinks.many().unicast().onBackpressureBuffer();
    private StreamPipeline stream;
    private HttpTransport.Running server;
    private Disposable viewer;
    private ChromeDriver browser;
    @TempDir
    Path dir;

    private void serve(boolean input) {
        serve(input, true);
    }

    private void serve(boolean input, boolean withViewer) {
        StreamSettings settings = new StreamSettings("vm", DEVICE_URI, EncoderSettings.builder().build())
                .withInput(input);
        stream = new StreamPipeline(settings, pool, registry, meters -> display.source(30, pool, meters));
        StreamEndpoint endpoint = stream;
        server = HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .directory(StreamDirectory.of("vm", endpoint))
                .build()
                .start();
        if (!withViewer) {
            return;
        }
        viewer = HttpClient.create()
                .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
                .uri("ws://127.0.0.1:" + server.port() + "/streams/vm")
                .handle((in, out) -> out.sendObject(toServer.asFlux()
                                .map(b -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b))))
                        .then()
                        .and(in.receive().asByteArray()
                                .doOnNext(b -> received.add(ViewerMessages.decode(ByteBuffer.wrap(b))))
                                .then()))
                .subscribe();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (viewer != null) {
            viewer.dispose();
        }
        if (server != null) {
            server.close();
        }
        if (stream != null) {
            stream.close();
        }
        pool.close();
    }

    private <T extends ViewerMessage> T await(Class<T> type, Predicate<T> matching, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (ViewerMessage m : received) {
                if (type.isInstance(m) && matching.test(type.cast(m))) {
                    return type.cast(m);
                }
            }
            assertThat(System.nanoTime()).as("waiting for " + what + "; received " + summary()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private String summary() {
        return received.stream().filter(m -> !(m instanceof ViewerMessage.Packet)).toList().toString();
    }

    private static Predicate<ViewerMessage.Config> sized(int width, int height) {
        return c -> c.config().width() == width && c.config().height() == height;
    }

    @Test
    void theGuestsCursorReachesTheViewerAndTheViewersWindowSizeReachesTheGuest() throws InterruptedException {
        serve(true);
        ViewerMessage.Config first = await(ViewerMessage.Config.class, sized(640, 480), "the first CONFIG");
        assertThat(first.windowSizeAllowed()).isTrue();
        assertThat(first.inputAllowed()).as("a VFIO source takes no keys or pointer").isFalse();

        display.showCursor(32, 24, 3, 4, 7);
        display.moveCursor(100, 50);
        CursorImage shape = await(ViewerMessage.Cursor.class, c -> c.image().width() == 32, "the cursor's shape")
                .image();
        assertThat(shape.height()).isEqualTo(24);
        assertThat(shape.hotspotX()).isEqualTo(3);
        assertThat(shape.hotspotY()).isEqualTo(4);
        // Emulated pixel 0 is B, G, R, A = 7, 8, 9, 10 in memory.
        assertThat(shape.pixel(0, 0)).isEqualTo(0x0a090807);
        await(ViewerMessage.CursorPosition.class, p -> p.position().equals(new CursorPosition(103, 54, 640, 480)),
                "the cursor's hotspot at 100+3, 50+4");
        display.moveCursor(300, 200);
        await(ViewerMessage.CursorPosition.class, p -> p.position().equals(new CursorPosition(303, 204, 640, 480)),
                "the move");

        toServer.tryEmitNext(ViewerMessages.encodeWindowSize(800, 600));
        await(ViewerMessage.Config.class, sized(800, 600), "a CONFIG at the viewer's 800x600");
        await(ViewerMessage.CursorPosition.class, p -> p.position().equals(new CursorPosition(303, 204, 800, 600)),
                "the position again, on the new display");

        toServer.tryEmitNext(ViewerMessages.encodeWindowSize(4000, 3000));
        await(ViewerMessage.Config.class, sized(EmulatedVfioDisplay.MAX_WIDTH, EmulatedVfioDisplay.MAX_HEIGHT),
                "a CONFIG clamped to the device's largest mode");
        assertThat(display.edidWrites()).containsExactly(
                "link_state=2", "blob 128 B", "edid_size=128", "link_state=1",
                "link_state=2", "blob 128 B", "edid_size=128", "link_state=1");

        display.hideCursor();
        await(ViewerMessage.Cursor.class, c -> c.image().isHidden(), "the cursor hidden");
    }

    @Test
    void withoutTheInputPermissionTheWindowSizeIsCountedAndIgnored() throws InterruptedException {
        serve(false);
        ViewerMessage.Config first = await(ViewerMessage.Config.class, sized(640, 480), "the first CONFIG");
        assertThat(first.windowSizeAllowed()).isFalse();
        toServer.tryEmitNext(ViewerMessages.encodeWindowSize(800, 600));
        toServer.tryEmitNext(ViewerMessages.encodePing(99));
        await(ViewerMessage.Pong.class, p -> p.clientMillis() == 99, "the pong after the size");
        Counter ignored = registry.find("scanout.viewer.messages.ignored").tag("reason", "size-unsupported").counter();
        assertThat(ignored).isNotNull();
        assertThat(ignored.count()).isEqualTo(1);
        // Held a while: the guest is never asked, and the stream stays at its size.
        Thread.sleep(1000);
        assertThat(display.edidWrites()).isEmpty();
        assertThat(received).filteredOn(m -> m instanceof ViewerMessage.Config)
                .allSatisfy(m -> assertThat(sized(640, 480).test((ViewerMessage.Config) m)).isTrue());
    }

    /**
     * The page with {@code ?fit=window} in Chromium: the guest takes the window's size, and the
     * guest's cursor is drawn where the guest put it, mapped onto the picture as the page shows it.
     */
    @Test
    void thePageFitsTheGuestToItsWindowAndDrawsTheGuestsCursorWhereTheGuestPutsIt() {
        HeadlessChromium.assumeInstalled();
        serve(true, false);
        display.showCursor(32, 24, 3, 4, 7);
        display.moveCursor(100, 50);
        browser = HeadlessChromium.start(dir.resolve("profile"), 1000, 700);
        browser.get("http://127.0.0.1:" + server.port() + "/?stream=vm&fit=window");
        JavascriptExecutor js = browser;
        @SuppressWarnings("unchecked")
        Map<String, Number> window = (Map<String, Number>) js.executeScript(
                "return {w: Math.round(innerWidth * devicePixelRatio), h: Math.round(innerHeight * devicePixelRatio)}");
        int wantW = window.get("w").intValue();
        int wantH = window.get("h").intValue();
        // The guest's mode is the window's size; the encoder may round it to even sides.
        new FluentWait<>(js).withTimeout(TIMEOUT).pollingEvery(Duration.ofMillis(250))
                .withMessage(() -> "the page never showed the guest at its window's " + wantW + "x" + wantH + ": "
                        + js.executeScript("return JSON.stringify(window.scanoutStats)"))
                .until(page -> {
                    long w = ((Number) page.executeScript("return window.scanoutStats.width")).longValue();
                    long h = ((Number) page.executeScript("return window.scanoutStats.height")).longValue();
                    long frames = ((Number) page.executeScript("return window.scanoutStats.framesDecoded")).longValue();
                    return frames > 0 && Math.abs(w - wantW) <= 1 && Math.abs(h - wantH) <= 1;
                });
        assertThat(display.edidWrites()).contains("link_state=2", "link_state=1");

        display.moveCursor(200, 120);
        new FluentWait<>(js).withTimeout(TIMEOUT).pollingEvery(Duration.ofMillis(100))
                .withMessage(() -> "the cursor was never drawn at the guest's position: " + drawn(js))
                .until(page -> {
                    Map<String, Number> d = drawn(js);
                    double scale = Math.min(d.get("boxW").doubleValue() / d.get("videoW").doubleValue(),
                            d.get("boxH").doubleValue() / d.get("videoH").doubleValue());
                    // The display is the video here (no scaling), so a source pixel is a video pixel.
                    double left = d.get("boxL").doubleValue()
                            + (d.get("boxW").doubleValue() - d.get("videoW").doubleValue() * scale) / 2 + 200 * scale;
                    double top = d.get("boxT").doubleValue()
                            + (d.get("boxH").doubleValue() - d.get("videoH").doubleValue() * scale) / 2 + 120 * scale;
                    return d.get("shown").intValue() == 1 && d.get("width").intValue() == 32
                            && Math.abs(d.get("left").doubleValue() - left) < 0.5
                            && Math.abs(d.get("top").doubleValue() - top) < 0.5;
                });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Number> drawn(JavascriptExecutor js) {
        return (Map<String, Number>) js.executeScript(
                "const c = document.getElementById('cursor'); const s = document.getElementById('screen');"
                        + "const b = s.getBoundingClientRect();"
                        + "return {shown: c.style.display === 'block' ? 1 : 0, width: c.width,"
                        + " left: parseFloat(c.style.left) || 0, top: parseFloat(c.style.top) || 0,"
                        + " boxL: b.left, boxT: b.top, boxW: b.width, boxH: b.height, videoW: s.width, videoH: s.height};");
    }
}
