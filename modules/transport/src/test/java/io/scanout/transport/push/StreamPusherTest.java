package io.scanout.transport.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.StreamHub;
import io.scanout.transport.ViewerLimits;
import io.scanout.transport.mux.EncodedPattern;
import io.scanout.transport.mux.FfmpegPlayer;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pushing a libx264 stream to a real receiver started by the test — Debian's ffmpeg listening as an
 * RTMP server, an RTSP server (ANNOUNCE/RECORD) or an SRT listener — which decodes what arrives.
 */
class StreamPusherTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES_TO_SEE = 30;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "main");
    private final List<AutoCloseable> closing = new ArrayList<>();
    /** Two of the pattern's 15-frame GOPs: the most a behind viewer is moved on by. */
    private static final int MOST_FRAMES_SKIPPED = 30;
    private EncodedPattern source;
    private StreamHub hub;
    private long startNanos;

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (hub != null) {
            hub.dispose();
        }
        if (source != null) {
            source.close();
        }
    }

    private void startStream() {
        source = new EncodedPattern(WIDTH, HEIGHT, MOST_FRAMES_SKIPPED / 2, meters);
        hub = new StreamHub("main", ViewerLimits.defaults(), source.encoder()::requestKeyframe, meters);
        startNanos = System.nanoTime();
        // Two minutes of 30 fps at most; the test ends it long before.
        hub.connect(source.livePackets(3600));
    }

    /** A receiver for {@code scheme} on {@code port}, and the URL a pusher sends to. */
    private record Receiver(List<String> input, String pushUrl) {
        static Receiver of(String scheme, int port) {
            return switch (scheme) {
                case "rtmp" -> new Receiver(List.of("-listen", "1", "-f", "flv", "-i",
                        "rtmp://127.0.0.1:" + port + "/live/s"), "rtmp://127.0.0.1:" + port + "/live/s");
                case "rtsp" -> new Receiver(List.of("-rtsp_flags", "listen", "-i", "rtsp://127.0.0.1:" + port + "/s"),
                        "rtsp://127.0.0.1:" + port + "/s");
                case "srt" -> new Receiver(List.of("-i", "srt://127.0.0.1:" + port + "?mode=listener"),
                        "srt://127.0.0.1:" + port);
                default -> throw new IllegalArgumentException(scheme);
            };
        }
    }

    /** A receiver decoding in the background: pictures counted, each compared with the source's. */
    private final class Decoding {
        final FfmpegPlayer player;
        final AtomicInteger frames = new AtomicInteger();
        final List<Double> psnr = new ArrayList<>();
        final CompletableFuture<Integer> done;
        /** The source frame the last picture matched: the next picture is a later one. */
        private long last = -1;

        Decoding(Receiver receiver) throws IOException {
            player = FfmpegPlayer.start(receiver.input(), WIDTH, HEIGHT);
            closing.add(player);
            done = CompletableFuture.supplyAsync(() -> player.decodeAll(picture -> {
                if (frames.get() < FRAMES_TO_SEE) {
                    double db;
                    if (last < 0) {
                        last = bestMatch(picture);
                        db = EncodedPattern.psnr(source.i420(last), picture);
                    } else {
                        db = nextMatch(picture);
                    }
                    synchronized (psnr) {
                        psnr.add(db);
                    }
                }
                frames.incrementAndGet();
            }));
        }

        void awaitFrames(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (frames.get() < count && !done.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(frames.get()).as("frames the receiver decoded; its log:\n" + player.log())
                    .isGreaterThanOrEqualTo(count);
        }

        /**
         * The PSNR of a picture against the source frame it is most like among the next few after
         * the last match, which it then becomes: a loaded machine may skip frames on the way (a
         * viewer behind is moved on to the next keyframe), but never reorders them.
         */
        private double nextMatch(byte[] picture) {
            double bestDb = -1;
            long best = last + 1;
            for (long i = last + 1; i <= last + MOST_FRAMES_SKIPPED; i++) {
                double db = EncodedPattern.psnr(source.i420(i), picture);
                if (db > bestDb) {
                    bestDb = db;
                    best = i;
                }
            }
            last = best;
            return bestDb;
        }

        /** The source frame a picture is most like, among those the stream can have sent by now. */
        private long bestMatch(byte[] picture) {
            long best = 0;
            double bestDb = -1;
            long sent = (System.nanoTime() - startNanos) / EncodedPattern.FRAME_NANOS + 30;
            for (long i = 0; i < sent; i++) {
                double db = EncodedPattern.psnr(source.i420(i), picture);
                if (db > bestDb) {
                    bestDb = db;
                    best = i;
                }
            }
            return best;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtmp", "rtsp", "srt"})
    void aReceiverDecodesThePushedStream(String scheme) throws Exception {
        int port = "srt".equals(scheme) ? freeUdpPort() : freeTcpPort();
        Receiver receiver = Receiver.of(scheme, port);
        Decoding decoding = new Decoding(receiver);
        startStream();
        StreamPusher pusher = StreamPusher.start(hub, PushTarget.parse(receiver.pushUrl()), Duration.ofMillis(100));
        closing.add(pusher::dispose);

        decoding.awaitFrames(FRAMES_TO_SEE);
        assertThat(String.join("\n", decoding.player.inputLines())).contains("h264").contains(WIDTH + "x" + HEIGHT);
        synchronized (decoding.psnr) {
            assertThat(decoding.psnr).hasSize(FRAMES_TO_SEE).allSatisfy(db -> assertThat(db).isGreaterThanOrEqualTo(35));
        }
        pusher.dispose();
        // The pusher's connection is closed: the receiver sees the end of the stream and stops.
        assertThat(decoding.done.get(20, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(FRAMES_TO_SEE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtmp", "srt"})
    void thePusherReconnectsWhenTheReceiverComesBack(String scheme) throws Exception {
        int port = "srt".equals(scheme) ? freeUdpPort() : freeTcpPort();
        Receiver receiver = Receiver.of(scheme, port);
        Decoding first = new Decoding(receiver);
        startStream();
        StreamPusher pusher = StreamPusher.start(hub, PushTarget.parse(receiver.pushUrl()), Duration.ofMillis(100));
        closing.add(pusher::dispose);
        first.awaitFrames(FRAMES_TO_SEE);
        long reconnectsBefore = pusher.reconnects();

        first.player.kill();
        Decoding second = new Decoding(receiver);
        second.awaitFrames(FRAMES_TO_SEE);

        assertThat(pusher.reconnects()).isGreaterThan(reconnectsBefore);
        assertThat(registry.get("scanout.push.reconnects").tag("stream", "main").counter()
                .count()).isEqualTo(pusher.reconnects());
        synchronized (second.psnr) {
            assertThat(second.psnr).allSatisfy(db -> assertThat(db).isGreaterThanOrEqualTo(35));
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
