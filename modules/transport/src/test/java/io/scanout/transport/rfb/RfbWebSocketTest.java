package io.scanout.transport.rfb;

import io.scanout.capture.rfb.RfbSettings;
import io.scanout.capture.rfb.RfbSource;
import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.HttpTransport;
import io.scanout.transport.StreamDirectory;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same sessions over {@code WS /streams/{id}/rfb}: our VNC client, through a websockify-like
 * bridge, ends up with exactly one frame of the synthetic pattern, in Raw and in ZRLE.
 */
class RfbWebSocketTest {
    private final SyntheticEndpoint stream = new SyntheticEndpoint("main", RfbServerTest.WIDTH, RfbServerTest.HEIGHT,
            20, DrmFormat.XR24);
    private final FramePool clientPool = new FramePool();
    private HttpTransport.Running http;
    private WebSocketBridge bridge;

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (http != null) {
            http.close();
        }
        stream.closeAndAwaitFramesBack();
        clientPool.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "zrle"})
    void ourClientOverWebSocketSeesThePattern(String encoding) throws Exception {
        http = HttpTransport.builder()
                .bind("127.0.0.1", 0)
                .directory(StreamDirectory.of("main", stream))
                .streamHandler("/rfb", new RfbWebSocketHandler(RfbSecurity.loopbackOnly()))
                .build()
                .start();
        bridge = new WebSocketBridge(URI.create("ws://127.0.0.1:" + http.port() + "/streams/main/rfb"));
        RfbSource client = RfbSource.open(RfbSettings.of("127.0.0.1", bridge.port()).withEncodings(encoding)
                .withFps(30), clientPool, StreamMeters.noop());
        RfbServerTest.assertMatchesAPatternFrameOf(stream, client);
    }
}
