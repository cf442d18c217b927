package io.scanout.transport.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.EncodeVideo;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.ColourBlocks;
import io.scanout.encode.testing.YuvFrames;
import io.scanout.transport.StreamHub;
import io.scanout.transport.ViewerLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * What HTTP clients of {@code .ts} and {@code .mp4} get when the source changes size mid-stream
 * (libx264 re-opens and makes a new configuration). MPEG-TS carries the new SPS/PPS in band, so one
 * response goes on across the change; fragmented MP4 declares the configuration once in its
 * {@code moov}, so the response ends cleanly at the change (trailer written) and a client that
 * reconnects gets a new {@code moov} with the new {@code avcC}. Debian's ffmpeg and ffprobe read
 * each download.
 */
class MuxResolutionChangeTest {
    private static final int FIRST_WIDTH = 320;
    private static final int FIRST_HEIGHT = 240;
    private static final int SECOND_WIDTH = 352;
    private static final int SECOND_HEIGHT = 288;
    private static final int FIRST_FRAMES = 30;
    private static final int SECOND_FRAMES = 60;
    private static final long FRAME_NANOS = 33_333_333L;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "main");
    private final FramePool pool = new FramePool();
    private final EncodeVideo encoder = EncodeVideo.create(EncoderSettings.defaults().withEncoder(EncoderChoice.X264)
            .withKeyframeIntervalFrames(10), meters);
    private StreamHub hub;
    private MuxServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        assertThat(pool.stats().outstanding()).isZero();
        pool.close();
    }

    @Test
    void tsGoesOnAcrossASizeChangeAndMp4EndsThereForTheClientToReconnect() throws Exception {
        FfmpegPlayer.assumeInstalled();
        hub = new StreamHub("main", new ViewerLimits(1000, 64L << 20, ViewerLimits.DEFAULT_MIN_KEYFRAME_INTERVAL),
                encoder::requestKeyframe, meters);
        server = MuxServer.start(hub, FIRST_WIDTH, FIRST_HEIGHT);

        CompletableFuture<Path> ts = download("/streams/main.ts", "whole.ts");
        CompletableFuture<Path> firstMp4 = download("/streams/main.mp4", "first.mp4");
        server.awaitViewers(2);
        hub.connect(livePackets());

        // The first MP4 response ends at the change, while the stream goes on for two more seconds.
        Path first = firstMp4.get(30, TimeUnit.SECONDS);
        assertThat(ts).as("the TS response is still going when the MP4 one has ended").isNotDone();
        Path second = download("/streams/main.mp4", "second.mp4").get(30, TimeUnit.SECONDS);
        Path whole = ts.get(30, TimeUnit.SECONDS);

        assertThat(frameSizes(first)).as("the first MP4: every frame before the change, all at the first size")
                .hasSize(FIRST_FRAMES).containsOnly(FIRST_WIDTH + "x" + FIRST_HEIGHT);
        assertThat(streamSize(first)).isEqualTo(FIRST_WIDTH + "x" + FIRST_HEIGHT);
        assertThat(streamSize(second)).as("the reconnected MP4's avcC").isEqualTo(SECOND_WIDTH + "x" + SECOND_HEIGHT);
        assertThat(frameSizes(second)).as("the reconnected MP4 starts at a keyframe after the change")
                .isNotEmpty().hasSizeLessThanOrEqualTo(SECOND_FRAMES)
                .containsOnly(SECOND_WIDTH + "x" + SECOND_HEIGHT);
        List<String> tsSizes = frameSizes(whole);
        assertThat(tsSizes).as("one TS response, both sizes, every frame").hasSize(FIRST_FRAMES + SECOND_FRAMES);
        assertThat(tsSizes.subList(0, FIRST_FRAMES)).containsOnly(FIRST_WIDTH + "x" + FIRST_HEIGHT);
        assertThat(tsSizes.subList(FIRST_FRAMES, tsSizes.size())).containsOnly(SECOND_WIDTH + "x" + SECOND_HEIGHT);
    }

    /** The frames at 30 fps of wall-clock time, the size changing after {@value #FIRST_FRAMES}. */
    private Flux<EncodedPacket> livePackets() {
        return Flux.interval(Duration.ofNanos(FRAME_NANOS)).take(FIRST_FRAMES + SECOND_FRAMES)
                .map(i -> event(i.intValue())).onBackpressureBuffer()
                .doOnDiscard(FrameEvent.class, FrameEvent::release).transform(encoder);
    }

    private FrameEvent event(int index) {
        boolean firstSize = index < FIRST_FRAMES;
        int width = firstSize ? FIRST_WIDTH : SECOND_WIDTH;
        int height = firstSize ? FIRST_HEIGHT : SECOND_HEIGHT;
        Frame frame = YuvFrames.draw(pool, DrmFormat.NV12, new ColourBlocks(width, height, index));
        return new FrameEvent(frame, Damage.whole(), index, 1_000_000_000L + index * FRAME_NANOS,
                index == 0 || index == FIRST_FRAMES ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    /** GETs {@code path} on a thread of its own and saves the body to a file once the response ends. */
    private CompletableFuture<Path> download(String path, String name) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream body = URI.create(server.url(path)).toURL().openStream()) {
                Path file = dir.resolve(name);
                Files.write(file, body.readAllBytes());
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, MuxResolutionChangeTest::onNewThread);
    }

    /** Each blocking read on a thread of its own: the common pool may have one thread on a small machine. */
    private static void onNewThread(Runnable task) {
        Thread thread = new Thread(task, "mux-test-client");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code WxH} of each frame ffprobe decodes, in order; fails on any decoding error. */
    private static List<String> frameSizes(Path file) throws IOException, InterruptedException {
        // Key=value lines, not csv: a frame with side data gets extra csv fields.
        List<String> sizes = new ArrayList<>();
        String width = null;
        for (String line : run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "frame=width,height", "-of", "default=noprint_wrappers=1", file.toString()).lines().toList()) {
            if (line.startsWith("width=")) {
                width = line.substring(6);
            } else if (line.startsWith("height=")) {
                sizes.add(width + "x" + line.substring(7));
            }
        }
        return sizes;
    }

    /** {@code WxH} the container declares for its video stream. */
    private static String streamSize(Path file) throws IOException, InterruptedException {
        return run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                "-of", "csv=p=0:s=x", file.toString()).trim();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        }, MuxResolutionChangeTest::onNewThread);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = errors.join();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), err).isZero();
        assertThat(err).as("%s reported errors", String.join(" ", command)).isBlank();
        return out;
    }
}
