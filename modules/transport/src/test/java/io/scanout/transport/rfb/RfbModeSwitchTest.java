package io.scanout.transport.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.input.CursorPosition;
import io.scanout.core.input.InputSink;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.StreamHub;
import io.scanout.transport.StreamInfo;
import io.scanout.transport.ViewerLimits;
import io.scanout.transport.mux.EncodedPattern;
import io.scanout.transport.rfb.RawRfbClient.Rectangle;
import io.scanout.transport.security.ConnectionLimits;
import io.scanout.transport.security.SecuritySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

/**
 * A client that changes its encodings mid-stream (RFC 6143 §7.5.2) switches between Open H.264 and
 * pixel pictures: dropping encoding 50 brings a whole picture in Raw whose pixels are the stream's,
 * adding it back brings H.264 from a keyframe with parameter sets that Debian's ffmpeg decodes, and
 * the picture mode left behind holds no frame, dma-buf or CPU copy. A SetEncodings that changes
 * nothing restarts nothing.
 *
 * <p>The stream is the synthetic display twice over, as the server has it: its pictures (each
 * subscriber its own synthetic source; as memfd "dma-bufs" in one case, see
 * {@link MemfdDmaBufEndpoint}) and the same pattern encoded by a real libx264 into the hub.
 */
class RfbModeSwitchTest {
    private static final int WIDTH = RfbServerTest.WIDTH;
    private static final int HEIGHT = RfbServerTest.HEIGHT;
    private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    private static final int[] VIDEO_AND_RAW = {Encodings.OPEN_H264, Encodings.DESKTOP_SIZE, Encodings.RAW};
    private static final int[] RAW_ONLY = {Encodings.DESKTOP_SIZE, Encodings.RAW};

    @TempDir
    Path dir;
    private final SyntheticEndpoint synthetic = new SyntheticEndpoint("main", WIDTH, HEIGHT, 20, DrmFormat.XR24);
    private final RfbDmaBufCopies copies = new RfbDmaBufCopies();
    private EncodedPattern video;
    private StreamHub hub;
    private MemfdDmaBufEndpoint dmaBufs;
    private RfbServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (hub != null) {
            hub.dispose();
        }
        synthetic.close();
        RfbServerTest.await(() -> dmaBufs == null || dmaBufs.allClosed(), "dma-bufs still open");
        RfbServerTest.await(() -> copies.streamsHeld() == 0, "CPU copies of dma-bufs still held");
        copies.close();
        RfbServerTest.await(() -> synthetic.pool.stats().outstanding() == 0, "frames still held: " + synthetic.pool.stats());
        if (video != null) {
            video.close();
        }
    }

    /** Serves the stream, its pictures on the CPU or as dma-bufs, its video from libx264. */
    private RawRfbClient serve(boolean dmaBufPictures) throws IOException {
        assumeTrue(Files.isExecutable(FFMPEG), "Debian's ffmpeg is not installed; skipping");
        video = new EncodedPattern(WIDTH, HEIGHT, 30, StreamMeters.noop());
        hub = new StreamHub("main", ViewerLimits.defaults(), video.encoder()::requestKeyframe, StreamMeters.noop());
        hub.connect(video.livePackets(3600)); // two minutes at most; the test ends it long before
        dmaBufs = dmaBufPictures ? MemfdDmaBufEndpoint.continuous(synthetic) : null;
        StreamEndpoint endpoint = new Endpoint(hub, dmaBufPictures ? dmaBufs.pictures() : synthetic.pictures());
        SecuritySettings defaults = SecuritySettings.open();
        server = RfbServer.start("127.0.0.1", 0, () -> Optional.of(endpoint), RfbSecurity.loopbackOnly(),
                new ConnectionLimits(defaults.maxConnectionsPerClient(), defaults.maxConnections()), copies);
        RawRfbClient client = new RawRfbClient("127.0.0.1", server.port());
        client.connectWithNone();
        return client;
    }

    @ParameterizedTest(name = "dma-buf pictures: {0}")
    @ValueSource(booleans = {false, true})
    void droppingAndAddingOpenH264SwitchesBetweenVideoAndPixels(boolean dmaBufPictures) throws Exception {
        try (RawRfbClient client = serve(dmaBufPictures)) {
            client.setEncodings(VIDEO_AND_RAW);
            client.request(false, 0, 0, WIDTH, HEIGHT);
            for (int i = 0; i < 5; i++) {
                assertThat(encodings(client.readUpdate(4))).as("update %d in video mode", i).containsOnly(Encodings.OPEN_H264);
            }

            // Without 50: pixels, all of them at once although the request is incremental.
            client.setEncodings(RAW_ONLY);
            client.request(true, 0, 0, WIDTH, HEIGHT);
            List<Rectangle> first = firstUpdateWithout(client, Encodings.OPEN_H264);
            int[] picture = new int[WIDTH * HEIGHT];
            assertThat(paint(first, picture)).as("pixels in the first update after leaving video")
                    .isEqualTo((long) WIDTH * HEIGHT);
            assertThat(patternFrameOf(picture)).as("the first picture is a frame of the stream").isNotNegative();
            for (int i = 0; i < 3; i++) {
                client.request(true, 0, 0, WIDTH, HEIGHT);
                List<Rectangle> update = client.readUpdate(4);
                assertThat(encodings(update)).as("pixel update %d", i).doesNotContain(Encodings.OPEN_H264);
                paint(update, picture);
            }
            assertThat(patternFrameOf(picture)).as("the picture after incremental updates").isNotNegative();
            RfbServerTest.await(() -> hub.viewers() == 0, "the client is still in the hub after leaving video");

            // With 50 again: video from a keyframe, parameter sets first, the decoder reset.
            client.setEncodings(VIDEO_AND_RAW);
            client.request(true, 0, 0, WIDTH, HEIGHT);
            List<Rectangle> h264 = new ArrayList<>(firstUpdateWithout(client, Encodings.RAW));
            assertThat(h264).hasSize(1);
            assertThat(h264.get(0).flags()).as("the reset-context flag on the first rectangle back in video")
                    .isEqualTo(Encodings.H264_RESET_CONTEXT);
            List<Integer> nals = nalTypes(h264.get(0).data());
            assertThat(nals).as("NAL units of the first rectangle back in video").contains(7, 8, 5);
            assertThat(nals.indexOf(7)).isLessThan(nals.indexOf(5));
            assertThat(nals.indexOf(8)).isLessThan(nals.indexOf(5));
            if (dmaBufPictures) {
                RfbServerTest.await(() -> copies.streamsHeld() == 0, "the CPU copy is held after leaving pictures");
                RfbServerTest.await(dmaBufs::allClosed, "dma-bufs open after leaving pictures");
            }
            RfbServerTest.await(() -> synthetic.pool.stats().outstanding() == 0,
                    "pictures held after leaving pictures: " + synthetic.pool.stats());
            for (int i = 0; i < 14; i++) {
                List<Rectangle> update = client.readUpdate(4);
                assertThat(encodings(update)).as("video update %d", i).containsOnly(Encodings.OPEN_H264);
                assertThat(update.get(0).flags()).isZero();
                h264.add(update.get(0));
            }
            assertDecodesToTheBars(h264);
        }
    }

    @Test
    void setEncodingsThatChangesNothingRestartsNothing() throws Exception {
        try (RawRfbClient client = serve(false)) {
            client.setEncodings(VIDEO_AND_RAW);
            client.request(false, 0, 0, WIDTH, HEIGHT);
            assertThat(client.readUpdate(4).get(0).flags()).as("the first rectangle resets").isEqualTo(1);
            client.readUpdate(4);
            client.setEncodings(VIDEO_AND_RAW);
            // Still video, now with PointerPos: the first update carrying the position was made after
            // both lists were taken, so a restart would show from there on as a reset rectangle.
            synthetic.positions.tryEmitNext(new CursorPosition(10, 20, WIDTH, HEIGHT)).orThrow();
            client.setEncodings(Encodings.OPEN_H264, Encodings.RAW, Encodings.DESKTOP_SIZE, Encodings.POINTER_POS);
            List<Rectangle> update = client.readUpdate(4);
            for (int skipped = 0; !encodings(update).contains(Encodings.POINTER_POS); skipped++) {
                assertThat(skipped).as("updates before the pointer's position").isLessThan(1000);
                assertThat(update).allMatch(r -> r.flags() == 0);
                update = client.readUpdate(4);
            }
            for (int i = 0; i < 20; i++) {
                assertThat(update).as("update %d after SetEncodings that keep video", i)
                        .allMatch(r -> r.flags() == 0)
                        .allMatch(r -> r.encoding() == Encodings.OPEN_H264 || r.encoding() == Encodings.POINTER_POS);
                update = client.readUpdate(4);
            }
            assertThat(hub.viewers()).as("one membership of the hub").isEqualTo(1);

            // Pictures: a restart would repaint all; an unchanged list leaves the next update incremental.
            // (No request here: the one the client made in video mode still waits for its answer.)
            client.setEncodings(RAW_ONLY);
            int[] picture = new int[WIDTH * HEIGHT];
            assertThat(paint(firstUpdateWithout(client, Encodings.OPEN_H264), picture)).isEqualTo((long) WIDTH * HEIGHT);
            client.request(true, 0, 0, WIDTH, HEIGHT);
            List<Rectangle> incremental = client.readUpdate(4);
            assertThat(incremental).noneMatch(r -> r.encoding() == Encodings.RAW && r.y() == 0);
            paint(incremental, picture);
            client.setEncodings(RAW_ONLY);
            client.request(true, 0, 0, WIDTH, HEIGHT);
            List<Rectangle> next = client.readUpdate(4);
            assertThat(next).as("the update after a SetEncodings that keeps Raw").isNotEmpty();
            assertThat(next).as("tiles of the static colour bars (top rows) are not sent again")
                    .noneMatch(r -> r.encoding() == Encodings.RAW && r.y() == 0);
            paint(next, picture);
            assertThat(patternFrameOf(picture)).isNotNegative();
        }
    }

    // ---- reading updates ----

    /**
     * Skips the updates of the old mode that were already on their way (video is sent without
     * waiting for requests, so the socket's buffers may hold many), and returns the first one
     * without {@code oldEncoding}; after it, the old mode's rectangles must never come again (the
     * callers check the updates that follow).
     */
    private static List<Rectangle> firstUpdateWithout(RawRfbClient client, int oldEncoding) throws IOException {
        for (int i = 0; i < 1000; i++) {
            List<Rectangle> update = client.readUpdate(4);
            if (!encodings(update).contains(oldEncoding)) {
                return update;
            }
        }
        throw new AssertionError("still encoding " + oldEncoding + " 1000 updates after the SetEncodings");
    }

    private static List<Integer> encodings(List<Rectangle> update) {
        return update.stream().map(Rectangle::encoding).toList();
    }

    /** Draws the Raw rectangles into {@code picture} (0xRRGGBB); returns how many pixels they covered. */
    private static long paint(List<Rectangle> update, int[] picture) {
        long pixels = 0;
        for (Rectangle r : update) {
            if (r.encoding() != Encodings.RAW) {
                continue;
            }
            assertThat(r.x() + r.width()).isLessThanOrEqualTo(WIDTH);
            assertThat(r.y() + r.height()).isLessThanOrEqualTo(HEIGHT);
            for (int row = 0; row < r.height(); row++) {
                for (int col = 0; col < r.width(); col++) {
                    int at = 4 * (row * r.width() + col);
                    byte[] d = r.data();
                    // The server's pixel format: 32 bits, little-endian, red at bit 16.
                    picture[(r.y() + row) * WIDTH + r.x() + col] = (d[at + 2] & 0xff) << 16 | (d[at + 1] & 0xff) << 8
                            | d[at] & 0xff;
                }
            }
            pixels += (long) r.width() * r.height();
        }
        return pixels;
    }

    /** The index of the pattern frame the picture equals, pixel for pixel; -1 when none does. */
    private long patternFrameOf(int[] picture) {
        for (long k = 0; k < 2_000; k++) {
            if (Arrays.equals(picture, synthetic.expected(k))) {
                return k;
            }
        }
        return -1;
    }

    /** The NAL unit types of an Annex B access unit, in order. */
    private static List<Integer> nalTypes(byte[] au) {
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i + 3 < au.length; i++) {
            if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
                types.add(au[i + 3] & 0x1f);
                i += 2;
            }
        }
        return types;
    }

    /**
     * Decodes the rectangles' access units with ffmpeg: every one a picture, no error, and the
     * static colour bars of the pattern where they belong.
     */
    private void assertDecodesToTheBars(List<Rectangle> h264) throws Exception {
        ByteArrayOutputStream annexB = new ByteArrayOutputStream();
        h264.forEach(r -> annexB.writeBytes(r.data()));
        Path stream = dir.resolve("switched.h264");
        Files.write(stream, annexB.toByteArray());
        Path log = dir.resolve("ffmpeg.log");
        Process ffmpeg = new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-loglevel", "error",
                "-f", "h264", "-i", stream.toString(), "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
                .redirectError(log.toFile()).start();
        byte[] rgb = ffmpeg.getInputStream().readAllBytes();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).as("ffmpeg's errors").isBlank();
        int frameBytes = WIDTH * HEIGHT * 3;
        assertThat(rgb.length / frameBytes).as("decoded pictures").isEqualTo(h264.size());
        int[] expected = synthetic.expected(0);
        int last = (h264.size() - 1) * frameBytes;
        int y = HEIGHT / 3; // in the bars, which never change
        for (int bar = 0; bar < 7; bar++) {
            int x = (2 * bar + 1) * WIDTH / 14;
            int at = last + (y * WIDTH + x) * 3;
            int want = expected[y * WIDTH + x];
            int[] got = {rgb[at] & 0xff, rgb[at + 1] & 0xff, rgb[at + 2] & 0xff};
            int[] wanted = {want >> 16 & 0xff, want >> 8 & 0xff, want & 0xff};
            for (int c = 0; c < 3; c++) {
                assertThat(got[c]).as("bar %d, channel %d", bar, c).isCloseTo(wanted[c],
                        org.assertj.core.data.Offset.offset(16));
            }
        }
    }

    /** The synthetic stream with pictures from {@code pictures} and video from {@code hub}. */
    private final class Endpoint implements StreamEndpoint {
        private final StreamHub videoHub;
        private final Flux<FrameEvent> pictures;

        Endpoint(StreamHub videoHub, Flux<FrameEvent> pictures) {
            this.videoHub = videoHub;
            this.pictures = pictures;
        }

        @Override
        public StreamHub hub() {
            return videoHub;
        }

        @Override
        public StreamInfo info() {
            return synthetic.info();
        }

        @Override
        public Flux<FrameEvent> pictures() {
            return pictures;
        }

        @Override
        public Flux<CursorPosition> cursorPositions() {
            return synthetic.cursorPositions();
        }

        @Override
        public Optional<InputSink> input() {
            return Optional.empty();
        }
    }
}
