package io.scanout.transport.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.rfb.RfbSettings;
import io.scanout.capture.rfb.RfbSource;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our own VNC client ({@link RfbSource}, the capture module's) against the RFB server over TCP:
 * the picture it ends up with after a series of incremental updates must be exactly one frame of
 * the synthetic pattern — which only holds if the server sent every damaged tile, in the right
 * pixel format, encoded correctly.
 */
class RfbServerTest {
    static final int WIDTH = 200;
    static final int HEIGHT = 150;

    private final SyntheticEndpoint stream = new SyntheticEndpoint("main", WIDTH, HEIGHT, 20, DrmFormat.XR24);
    private final FramePool clientPool = new FramePool();
    private RfbServer server;

    @AfterEach
    void stop() {
        stream.closeAndAwaitFramesBack();
        clientPool.close();
    }

    private RfbServer start(RfbSecurity security) {
        server = stream.serve("127.0.0.1", security);
        return server;
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "zrle"})
    void ourClientSeesTheExactPatternAfterIncrementalUpdates(String encoding) {
        start(RfbSecurity.loopbackOnly());
        RfbSource client = RfbSource.open(RfbSettings.of("127.0.0.1", server.port()).withEncodings(encoding).withFps(30),
                clientPool, StreamMeters.noop());
        assertMatchesAPatternFrame(client);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "zrle"})
    void vncAuthenticationWithTheRightPassword(String encoding) {
        start(RfbSecurity.loopbackOnly().withPassword("s3cret!x"));
        RfbSource client = RfbSource.open(RfbSettings.of("127.0.0.1", server.port()).withEncodings(encoding)
                .withPassword("s3cret!x"), clientPool, StreamMeters.noop());
        assertMatchesAPatternFrame(client);
    }

    /** Takes a few updates and checks the last picture is one frame of the pattern, pixel for pixel. */
    void assertMatchesAPatternFrame(RfbSource client) {
        assertMatchesAPatternFrameOf(stream, client);
    }

    static void assertMatchesAPatternFrameOf(SyntheticEndpoint stream, RfbSource client) {
        List<FrameEvent> events = client.frames().take(8).collectList().block(Duration.ofSeconds(60));
        try {
            assertThat(events).hasSize(8);
            Frame last = events.get(events.size() - 1).frame();
            assertThat(last.width()).isEqualTo(WIDTH);
            assertThat(last.height()).isEqualTo(HEIGHT);
            int[] got = pixels(last);
            long match = -1;
            for (long k = 0; k < 2_000 && match < 0; k++) {
                if (java.util.Arrays.equals(got, stream.expected(k))) {
                    match = k;
                }
            }
            assertThat(match).as("the client's picture equals some frame of the synthetic pattern").isGreaterThan(0);
        } finally {
            events.forEach(FrameEvent::release);
        }
    }

    static int[] pixels(Frame frame) {
        assertThat(frame.format()).isEqualTo(DrmFormat.XR24);
        int[] rgb = new int[frame.width() * frame.height()];
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                rgb[y * frame.width() + x] = frame.buffer().getInt((int) (frame.layout().offset(0)
                        + (long) y * frame.layout().stride(0) + 4L * x)) & 0xffffff;
            }
        }
        return rgb;
    }

    static void await(java.util.function.BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(failure, e);
            }
        }
    }
}
