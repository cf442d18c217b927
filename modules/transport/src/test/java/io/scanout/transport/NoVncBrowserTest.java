package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.scanout.transport.rfb.RfbSecurity;
import io.scanout.transport.rfb.RfbWebSocketHandler;
import io.scanout.transport.security.OriginPolicy;
import io.scanout.transport.security.SecuritySettings;
import io.scanout.transport.testing.HeadlessChromium;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * noVNC 1.7 (from the npm registry, {@code @novnc/novnc}) in Debian's headless Chromium, connected
 * to {@code WS /streams/desk/rfb}: it must pick Open H.264, decode the stream with WebCodecs and
 * show the clip's two known colours in its canvas. noVNC's files come from a small static server in
 * the test, not from Scanout. Skipped where Chromium, chromedriver, ffmpeg or npm is missing.
 */
class NoVncBrowserTest {
    private static final String NOVNC = "@novnc/novnc@1.7.0";
    private static final Path NPM = Path.of("/usr/bin/npm");
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private StreamHub hub;
    private HttpTransport.Running server;
    private HttpServer files;
    private ChromeDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (files != null) {
            files.stop(0);
        }
        if (hub != null) {
            hub.dispose();
        }
    }

    @Test
    void noVncShowsTheH264StreamInItsCanvas() throws Exception {
        HeadlessChromium.assumeInstalled();
        assumeTrue(Files.isExecutable(NPM), "npm is not installed (Debian package 'npm'); it fetches noVNC "
                + NOVNC + " for this test; skipping");
        Path novnc = noVnc();
        H264Clip clip = singleSliceClip();

        hub = clip.loop(clip::withoutParameterSets);
        StreamEndpoint endpoint = H264Clip.endpoint(hub, WIDTH, HEIGHT);
        files = staticServer(novnc);
        String pageOrigin = "http://127.0.0.1:" + files.getAddress().getPort();
        server = HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .security(SecuritySettings.builder().origins(OriginPolicy.allow(List.of(pageOrigin))).build())
                .directory(StreamDirectory.of("desk", endpoint))
                .streamHandler("/rfb", new RfbWebSocketHandler(RfbSecurity.loopbackOnly()))
                .build()
                .start();

        browser = chromium();
        browser.get(pageOrigin + "/scanout-test.html?ws=" + "ws://127.0.0.1:" + server.port() + "/streams/desk/rfb");
        await(() -> "connected".equals(script("return window.rfbState")),
                () -> "noVNC did not connect: state " + script("return window.rfbState") + ", log "
                        + script("return JSON.stringify(window.rfbLog)"));
        // Video, not pixels: the endpoint has no pictures at all, so colours can only come from H.264,
        // and the RFB client is a viewer of the hub.
        await(() -> hub.viewers() == 1, () -> "noVNC never joined the hub (no Open H.264?), log "
                + script("return JSON.stringify(window.rfbLog)"));
        await(() -> near(pixel(WIDTH / 4, HEIGHT / 2), H264Clip.LEFT_RGB)
                        && near(pixel(3 * WIDTH / 4, HEIGHT / 2), H264Clip.RIGHT_RGB),
                () -> "noVNC's canvas never showed the clip: left " + Integer.toHexString(pixel(WIDTH / 4, HEIGHT / 2))
                        + ", right " + Integer.toHexString(pixel(3 * WIDTH / 4, HEIGHT / 2)) + ", log "
                        + script("return JSON.stringify(window.rfbLog)"));
        assertThat(((Number) script("return document.querySelector('#screen canvas').width")).intValue())
                .isEqualTo(WIDTH);
    }

    /**
     * H264Clip's picture, but one slice per frame: noVNC 1.7 hands each slice to WebCodecs as a frame
     * of its own, so a multi-slice stream (x264's sliced threads, as {@code -tune zerolatency} turns
     * on) decodes to garbage there.
     */
    private H264Clip singleSliceClip() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(H264Clip.FFMPEG), "Debian's ffmpeg is not installed; skipping");
        Path out = dir.resolve("single-slice.h264");
        Process ffmpeg = new ProcessBuilder(H264Clip.FFMPEG.toString(), "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", String.format("color=c=0x%06X:size=%dx%d:rate=30,drawbox=x=0:y=0:w=%d:h=%d:"
                        + "color=0x%06X:t=fill", H264Clip.RIGHT_RGB, WIDTH, HEIGHT, WIDTH / 2, HEIGHT, H264Clip.LEFT_RGB),
                "-frames:v", "60", "-c:v", "libx264", "-profile:v", "baseline", "-tune", "zerolatency",
                "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p", "-x264-params", "aud=1:sliced-threads=0:slices=1",
                "-f", "h264", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0).as("ffmpeg: " + log).isTrue();
        return H264Clip.parse(Files.readAllBytes(out), WIDTH, HEIGHT);
    }

    /** noVNC's package, fetched once per build directory with npm. */
    private static Path noVnc() throws IOException, InterruptedException {
        // In the module's build directory (the working directory is the module's), fetched once.
        Path cache = Path.of(System.getProperty("user.dir"), System.getProperty("scanout.target", "target"),
                "novnc-1.7.0");
        Path pkg = cache.resolve("package");
        if (Files.isRegularFile(pkg.resolve("core/rfb.js"))) {
            return pkg;
        }
        Files.createDirectories(cache);
        Process npm = new ProcessBuilder(NPM.toString(), "pack", NOVNC, "--silent").directory(cache.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(180, TimeUnit.SECONDS) && npm.exitValue() == 0).as("npm pack " + NOVNC + ": " + out)
                .isTrue();
        Process tar = new ProcessBuilder("tar", "xzf", "novnc-novnc-1.7.0.tgz").directory(cache.toFile())
                .redirectErrorStream(true).start();
        String tarOut = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).as("tar: " + tarOut).isTrue();
        assertThat(pkg.resolve("core/rfb.js")).exists();
        return pkg;
    }

    /** Serves noVNC's files and a page that connects to the URL in its {@code ws} parameter. */
    private static HttpServer staticServer(Path root) throws IOException {
        String page = "<!DOCTYPE html><html><body><div id='screen'></div><script type='module'>\n"
                + "import RFB from './core/rfb.js';\n"
                + "import * as Log from './core/util/logging.js';\n"
                + "window.rfbState = 'loading'; window.rfbLog = [];\n"
                // noVNC reports decoder trouble on the console: kept for the failure message.
                + "for (const level of ['warn', 'error']) { const f = console[level];"
                + " console[level] = (...a) => { if (window.rfbLog.length < 50) window.rfbLog.push(level + ': '"
                + " + a.join(' ')); f.apply(console, a); }; }\n"
                + "Log.initLogging('warn');\n"
                + "const url = new URLSearchParams(location.search).get('ws');\n"
                + "const rfb = new RFB(document.getElementById('screen'), url, {wsProtocols: ['binary']});\n"
                + "rfb.scaleViewport = false; rfb.viewOnly = true;\n"
                + "rfb.addEventListener('connect', () => { window.rfbState = 'connected'; });\n"
                + "rfb.addEventListener('disconnect', e => { window.rfbState = 'disconnected';"
                + " window.rfbLog.push('disconnect clean=' + e.detail.clean); });\n"
                + "rfb.addEventListener('securityfailure', e => window.rfbLog.push('security: ' + e.detail.reason));\n"
                + "window.rfb = rfb;\n"
                + "</script></body></html>\n";
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Path base = root.toRealPath();
        http.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type;
            int status = 200;
            if (path.equals("/scanout-test.html")) {
                body = page.getBytes(StandardCharsets.UTF_8);
                type = "text/html";
            } else {
                Path file = base.resolve(path.substring(1)).normalize();
                if (!file.startsWith(base) || !Files.isRegularFile(file)) {
                    body = "not found".getBytes(StandardCharsets.UTF_8);
                    type = "text/plain";
                    status = 404;
                } else {
                    body = Files.readAllBytes(file);
                    type = path.endsWith(".js") ? "text/javascript" : "application/octet-stream";
                }
            }
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        return http;
    }

    private ChromeDriver chromium() {
        return HeadlessChromium.start(dir.resolve("profile"), 800, 600);
    }

    private Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    /** One pixel of noVNC's canvas, 0xRRGGBB; -1 before the canvas exists. */
    private int pixel(int x, int y) {
        @SuppressWarnings("unchecked")
        List<Number> px = (List<Number>) script("const c = document.querySelector('#screen canvas');"
                + "if (!c || c.width === 0) return null;"
                + "return Array.from(c.getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data);", x, y);
        if (px == null) {
            return -1;
        }
        return px.get(0).intValue() << 16 | px.get(1).intValue() << 8 | px.get(2).intValue();
    }

    private static boolean near(int got, int want) {
        if (got < 0) {
            return false;
        }
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs((got >> shift & 0xff) - (want >> shift & 0xff)) > 12) {
                return false;
            }
        }
        return true;
    }

    private static void await(BooleanSupplier condition, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            Thread.sleep(100);
        }
    }
}
