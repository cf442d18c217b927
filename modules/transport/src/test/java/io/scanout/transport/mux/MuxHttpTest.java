package io.scanout.transport.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.StreamHub;
import io.scanout.transport.ViewerLimits;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;

/**
 * {@code /streams/main.ts} and {@code .mp4} from a transport fed by libx264, decoded by Debian's
 * ffmpeg: every frame arrives, each within 35 dB PSNR of the picture the source drew.
 */
class MuxHttpTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private int width = WIDTH;
    private int height = HEIGHT;
    private static final double MIN_PSNR = 35;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "main");
    private StreamHub hub;
    private MuxServer server;
    private EncodedPattern source;

    private void start(int keyframeInterval, ViewerLimits limits) {
        source = new EncodedPattern(width, height, keyframeInterval, meters);
        hub = new StreamHub("main", limits, source.encoder()::requestKeyframe, meters);
        server = MuxServer.start(hub, WIDTH, HEIGHT);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (source != null) {
            source.close();
        }
    }

    private String url(String path) {
        return server.url(path);
    }

    @ParameterizedTest
    @EnumSource(value = MuxFormat.class, names = {"MPEG_TS", "FRAGMENTED_MP4"})
    void ffmpegDecodesEveryFrameOfTheStream(MuxFormat format) throws Exception {
        int frames = 45;
        start(15, new ViewerLimits(1000, 64L << 20, ViewerLimits.DEFAULT_MIN_KEYFRAME_INTERVAL));
        try (FfmpegPlayer player = FfmpegPlayer.play(url("/streams/main" + format.suffix()), WIDTH, HEIGHT)) {
            server.awaitViewers(1);
            hub.connect(source.packets(frames));
            // Kept, and compared once the stream has ended, so the comparing never slows the player.
            List<byte[]> pictures = new ArrayList<>();
            int decoded = player.decodeAll(pictures::add);
            long first = pictures.isEmpty() ? -1 : bestMatch(pictures.get(0), frames);
            List<Double> psnr = psnr(pictures, first);

            assertThat(player.exitCode()).as(player.log()).isZero();
            assertThat(String.join("\n", player.inputLines()))
                    .contains(format == MuxFormat.MPEG_TS ? "mpegts" : "mov,mp4").contains("h264")
                    .contains(WIDTH + "x" + HEIGHT);
            // The viewer joined before the first packet, so it starts at frame 0 and misses nothing.
            assertThat(first).isZero();
            assertThat(decoded).isEqualTo(frames);
            assertThat(psnr).allSatisfy(db -> assertThat(db).isGreaterThanOrEqualTo(MIN_PSNR));
        }
        assertThat(source.outstandingFrames()).isZero();
    }

    @Test
    void aClientThatReadsNothingDoesNotSlowOneThatReads() throws Exception {
        int frames = 90;
        start(2, new ViewerLimits(30, 64L << 20, Duration.ofMillis(100)));
        try (Socket slow = new Socket();
             FfmpegPlayer fast = FfmpegPlayer.play(url("/streams/main.ts"), width, height)) {
            // Asks, then never reads: its writes stop completing once the sockets' buffers are full.
            slow.setReceiveBufferSize(2048);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream request = slow.getOutputStream();
            request.write("GET /streams/main.ts HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            request.flush();
            server.awaitViewers(2);
            hub.connect(source.livePackets(frames));
            List<byte[]> pictures = new ArrayList<>();
            int decoded = fast.decodeAll(pictures::add);

            assertThat(decoded).as(fast.log()).isEqualTo(frames);
            assertThat(psnr(pictures, 0)).allSatisfy(db -> assertThat(db).isGreaterThanOrEqualTo(MIN_PSNR));
            assertThat(slow.isConnected()).isTrue();
        }
    }

    @Test
    void unknownSuffixesAndStreamsAreNotFound() throws Exception {
        start(15, ViewerLimits.defaults());
        assertThat(status("/streams/main.avi")).isEqualTo(404);
        assertThat(status("/streams/other.ts")).isEqualTo(404);
        assertThat(status("/streams/other.mp4")).isEqualTo(404);
    }

    @Test
    void aCodecTheContainerDoesNotCarryIsRefusedWithTheReason() throws Exception {
        start(15, ViewerLimits.defaults());
        CodecConfig vp9 = new CodecConfig(Codec.VP9, "libvpx-vp9", WIDTH, HEIGHT, 8, "vp09.00.10.08", new byte[0]);
        hub.connect(Flux.just(new EncodedPacket(vp9, new byte[] {1, 2, 3}, 0, true, 0, System.nanoTime()))
                .concatWith(Flux.never()));
        HttpURLConnection connection = (HttpURLConnection) URI.create(url("/streams/main.ts")).toURL().openConnection();
        assertThat(connection.getResponseCode()).isEqualTo(415);
        try (InputStream body = connection.getErrorStream()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("vp9").contains("h264");
        }
    }

    /** PSNR of each decoded picture against the source frame it should be, from {@code first} on. */
    private List<Double> psnr(List<byte[]> pictures, long first) {
        List<Double> psnr = new ArrayList<>();
        for (int i = 0; i < pictures.size(); i++) {
            psnr.add(EncodedPattern.psnr(source.i420(first + i), pictures.get(i)));
        }
        return psnr;
    }

    private int status(String path) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url(path)).toURL().openConnection();
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    /** The source frame a decoded picture is most like (the box moves every frame, so one stands out). */
    private long bestMatch(byte[] picture, int frames) {
        long best = -1;
        double bestDb = -1;
        for (long i = 0; i < frames; i++) {
            double db = EncodedPattern.psnr(source.i420(i), picture);
            if (db > bestDb) {
                bestDb = db;
                best = i;
            }
        }
        return best;
    }
}
