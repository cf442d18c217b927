package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.H264Decoder;
import io.scanout.server.cli.BindAddress;
import io.scanout.server.cli.ScanoutCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * The walking skeleton end to end on real parts: the server in-process with the synthetic
 * source and libx264, a WebSocket viewer speaking docs/protocol.md, FFmpeg's H.264 decoder, and
 * ffprobe as a second, independent decoder.
 */
class EndToEndTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static ScanoutServer server;

    @BeforeAll
    static void start() {
        server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("main", "synthetic:" + WIDTH + "x" + HEIGHT + "@30",
                        EncoderSettings.builder().bitrate(2_000_000).build()))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aViewerDecodesWhatTheSourceDrew() {
        ViewerClient.Session session = ViewerClient.watch(server.port(), "main", 40, TIMEOUT);

        ViewerClient.Config config = session.firstConfig();
        assertThat(session.messages().get(0)).as("the config comes first").isEqualTo(config);
        assertThat(config.codecId()).isEqualTo(1);
        assertThat(config.codecString()).matches("avc1\\.[0-9A-F]{6}");
        assertThat(config.width()).isEqualTo(WIDTH);
        assertThat(config.height()).isEqualTo(HEIGHT);

        List<ViewerClient.Packet> packets = session.packets();
        assertThat(packets.get(0).keyframe()).as("a viewer starts at a keyframe").isTrue();
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).sequence()).isGreaterThan(packets.get(i - 1).sequence());
        }

        List<DecodedPicture> pictures = new ArrayList<>();
        try (H264Decoder decoder = new H264Decoder()) {
            for (ViewerClient.Packet p : packets) {
                pictures.addAll(decoder.decode(p.payload()));
            }
            pictures.addAll(decoder.flush());
        }
        assertThat(pictures).as("one picture per packet").hasSize(packets.size());

        SyntheticPattern pattern = new SyntheticPattern(WIDTH, HEIGHT);
        try (FramePool pool = new FramePool()) {
            Frame expected = pool.acquire(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
            Frame earlier = pool.acquire(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
            try {
                for (int i = 0; i < pictures.size(); i++) {
                    DecodedPicture picture = pictures.get(i);
                    assertThat(picture.width()).isEqualTo(WIDTH);
                    pattern.render(packets.get(i).sequence(), expected);
                    for (int bar = 0; bar < 7; bar++) {
                        Rect still = Images.inset(pattern.barRect(bar), 2);
                        assertThat(Images.psnr(expected, picture, still))
                                .as("PSNR of colour bar %d in picture %d", bar, i).isGreaterThanOrEqualTo(35.0);
                    }
                }
                // The frame counter advances: the last picture shows its own number, not the first one's.
                int last = pictures.size() - 1;
                Rect counter = pattern.counterRect();
                pattern.render(packets.get(last).sequence(), expected);
                pattern.render(packets.get(0).sequence(), earlier);
                double own = Images.psnr(expected, pictures.get(last), counter);
                double stale = Images.psnr(earlier, pictures.get(last), counter);
                assertThat(own).as("counter matches its own frame number").isGreaterThanOrEqualTo(30.0);
                assertThat(stale).as("counter differs from the first frame's").isLessThan(own - 6);
            } finally {
                expected.release();
                earlier.release();
            }
        }
    }

    @Test
    void ffprobeDecodesTheStreamIndependently(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(onPath("ffprobe"), "ffprobe is not installed (apt-get install ffmpeg); skipping");
        ViewerClient.Session session = ViewerClient.watch(server.port(), "main", 30, TIMEOUT);
        Path file = dir.resolve("stream.h264");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (ViewerClient.Packet p : session.packets()) {
                out.write(p.payload());
            }
        }
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).isEqualTo("h264," + WIDTH + "," + HEIGHT + "," + session.packets().size());
    }

    @Test
    void aLateViewerStartsAtAKeyframeWhileTheFirstKeepsWatching() {
        ViewerClient.Session late = ViewerClient.watch(server.port(), "main", 5, TIMEOUT);
        assertThat(late.messages().get(0)).isInstanceOf(ViewerClient.Config.class);
        assertThat(late.packets().get(0).keyframe()).isTrue();
    }

    @Test
    void lateViewersStartAtOnceAtTheCurrentGopsKeyframeAndTheFirstViewerSeesNoChange() throws Exception {
        // A keyframe every 20 s: a joiner that waited for the next one would wait that long.
        ScanoutServer longGop = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("longgop", "synthetic:" + WIDTH + "x" + HEIGHT + "@30",
                        EncoderSettings.builder().bitrate(1_000_000).keyframeIntervalFrames(600).build()))));
        List<ViewerClient.Packet> first = new CopyOnWriteArrayList<>();
        Disposable a = HttpClient.create()
                .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
                .uri("ws://127.0.0.1:" + longGop.port() + "/streams/longgop")
                .handle((in, out) -> in.receive().asByteArray())
                .map(ViewerClient::parse)
                .subscribe(m -> {
                    if (m instanceof ViewerClient.Packet p) {
                        first.add(p);
                    }
                });
        try {
            awaitPackets(first, 15);
            long latestAtB = first.get(first.size() - 1).sequence();
            CompletableFuture<ViewerClient.Session> b = CompletableFuture.supplyAsync(
                    () -> ViewerClient.watch(longGop.port(), "longgop", 5, TIMEOUT));
            Thread.sleep(50);
            long latestAtC = first.get(first.size() - 1).sequence();
            ViewerClient.Session c = ViewerClient.watch(longGop.port(), "longgop", 5, TIMEOUT);
            ViewerClient.Session bSession = b.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitPackets(first, first.size() + 5);

            for (var joined : List.of(new Object[] {"B", bSession, latestAtB}, new Object[] {"C", c, latestAtC})) {
                ViewerClient.Session session = (ViewerClient.Session) joined[1];
                long latest = (long) joined[2];
                assertThat(session.messages().get(0)).as("%s: config first", joined[0])
                        .isInstanceOf(ViewerClient.Config.class);
                ViewerClient.Packet start = session.packets().get(0);
                assertThat(start.keyframe()).as("%s starts at a keyframe", joined[0]).isTrue();
                assertThat(start.sequence()).as("%s's first packet, A's latest at its join was %d", joined[0], latest)
                        .isLessThanOrEqualTo(latest + 1);
                // The latest keyframe A had seen, replayed from the hub's GOP: no new keyframe was made for it.
                assertThat(start.sequence()).isEqualTo(lastKeyframe(first, latestAtB));
            }
            List<ViewerClient.Packet> seen = List.copyOf(first);
            assertThat(seen.get(0).keyframe()).isTrue();
            // (A's own join, on a stream whose first packet may still be on its way, may ask for one.)
            assertThat(seen.stream().filter(p -> p.sequence() > latestAtB)).as("joiners cost A no keyframe")
                    .noneMatch(ViewerClient.Packet::keyframe);
            // Across the joins A misses nothing (the stream's start may skip frames while the encoder opens).
            for (int i = 1; i < seen.size(); i++) {
                if (seen.get(i - 1).sequence() >= latestAtB) {
                    assertThat(seen.get(i).sequence()).as("A's packets stay contiguous")
                            .isEqualTo(seen.get(i - 1).sequence() + 1);
                }
            }
        } finally {
            a.dispose();
            longGop.close();
        }
    }

    /** The sequence of the last keyframe among {@code packets} up to sequence {@code latest}. */
    private static long lastKeyframe(List<ViewerClient.Packet> packets, long latest) {
        return packets.stream().filter(p -> p.keyframe() && p.sequence() <= latest)
                .mapToLong(ViewerClient.Packet::sequence).max().orElseThrow();
    }

    private static void awaitPackets(List<ViewerClient.Packet> packets, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (packets.size() < count) {
            assertThat(System.nanoTime()).as("%d packets within %s", count, TIMEOUT).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void streamsAndMetricsDescribeTheRunningStream() {
        ViewerClient.watch(server.port(), "main", 10, TIMEOUT);
        String streams = get("/streams");
        assertThat(streams).contains("\"id\":\"main\"", "\"encoder\":\"libx264\"", "\"width\":" + WIDTH,
                "\"format\":\"XR24\"", "\"codecString\":\"avc1.", "\"bitDepth\":8");
        String metrics = get("/metrics");
        assertThat(counter(metrics, "scanout_frames_captured_total{stream=\"main\"")).isPositive();
        assertThat(counter(metrics, "scanout_frames_encoded_total{stream=\"main\"")).isPositive();
        assertThat(counter(metrics, "scanout_viewer_bytes_sent_bytes_total{stream=\"main\"")).isPositive();
        assertThat(metrics).contains("scanout_stage_latency_seconds_count{stage=\"encode\",stream=\"main\"}");
        assertThat(metrics).containsPattern("(?m)^scanout_frames_dropped_total\\{reason=\"[a-z-]+\",stream=\"main\"} ");
        assertThat(get("/healthz")).isEqualToIgnoringWhitespace("ok");
    }

    @Test
    void statusShowsTheStreamAsAPersonReadsIt() {
        ViewerClient.watch(server.port(), "main", 3, TIMEOUT);
        StringWriter out = new StringWriter();
        CommandLine cli = ScanoutCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("status", "--server", "http://127.0.0.1:" + server.port())).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("STREAM").contains("STATE", "ENCODER", "FPS", "VIEWERS");
        assertThat(lines.get(1)).startsWith("main").contains("running", WIDTH + "x" + HEIGHT, "XR24", "libx264",
                "synthetic:" + WIDTH + "x" + HEIGHT + "@30");
    }

    @Test
    void statusSaysWhenNoServerAnswers() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ScanoutRun run = ScanoutRun.of("status", "--server", "http://127.0.0.1:" + closedPort);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("scanout: cannot reach Scanout at http://127.0.0.1:" + closedPort);
    }

    private static double counter(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no series " + prefix + " in /metrics"));
    }

    private static String get(String path) {
        return HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + path)
                .responseContent().aggregate().asString().block(TIMEOUT);
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
