package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.region.RegionProducer;
import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.H264Decoder;
import io.scanout.server.cli.BindAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

/**
 * {@code scanout serve --source region:PATH} with the emulated vGPU answering the framebuffer-region
 * protocol: what a viewer decodes matches what the producer drew, through a resolution change and
 * a format change (XR24 → RG16).
 */
class RegionEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long HELD_FRAME = 7;

    @Test
    void aViewerSeesTheProducersFramesThroughSizeAndFormatChanges(@TempDir Path dir) throws InterruptedException {
        Path region = dir.resolve("fb");
        VideoFormat first = new VideoFormat(DrmFormat.XR24, 320, 240);
        try (RegionProducer producer = startHeld(region, first);
             ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0),
                     List.of(new StreamSettings("vm", "region:" + region + "?fps=30",
                             EncoderSettings.builder().bitrate(3_000_000).build()))));
             FramePool pool = new FramePool()) {
            assertViewerSees(server, first, pool);
            // The region protocol has no damage: change detection finds the held picture unchanged,
            // so most frames never reach the encoder, and keep-alive frames still flow.
            assertThat(server.meterRegistry().get("scanout.frames.dropped").tag("reason", "unchanged").counter()
                    .count()).isPositive();

            VideoFormat resized = new VideoFormat(DrmFormat.XR24, 400, 224);
            producer.setFormat(resized);
            awaitStream(server, "\"width\":400");
            assertViewerSees(server, resized, pool);

            VideoFormat rgb565 = new VideoFormat(DrmFormat.RG16, 400, 224);
            producer.setFormat(rgb565);
            awaitStream(server, "\"format\":\"RG16\"");
            assertViewerSees(server, rgb565, pool);
        }
    }

    /** A producer showing one still picture from the start, so every decoded frame has one expected image. */
    private static RegionProducer startHeld(Path region, VideoFormat format) {
        RegionProducer producer = RegionProducer.start(region, format, 30);
        producer.hold(HELD_FRAME);
        return producer;
    }

    private static void assertViewerSees(ScanoutServer server, VideoFormat format, FramePool pool) {
        // A still picture sends a keep-alive frame a second: a few are enough.
        ViewerClient.Session session = ViewerClient.watch(server.port(), "vm", 4, TIMEOUT);
        assertThat(session.firstConfig().width()).isEqualTo(format.width());
        assertThat(session.firstConfig().height()).isEqualTo(format.height());
        List<DecodedPicture> pictures = new ArrayList<>();
        try (H264Decoder decoder = new H264Decoder()) {
            for (ViewerClient.Packet p : session.packets()) {
                pictures.addAll(decoder.decode(p.payload()));
            }
            pictures.addAll(decoder.flush());
        }
        assertThat(pictures).hasSize(session.packets().size());
        Frame expected = pool.acquire(format);
        try {
            SyntheticPattern pattern = new SyntheticPattern(format.width(), format.height());
            pattern.render(HELD_FRAME, expected);
            for (DecodedPicture picture : pictures) {
                assertThat(picture.width()).isEqualTo(format.width());
                // Inside each bar, away from the colour edges that 4:2:0 chroma blurs by design.
                for (int bar = 0; bar < 7; bar++) {
                    assertThat(Images.psnr(expected, picture, Images.inset(pattern.barRect(bar), 2)))
                            .as("PSNR of bar %d, %s", bar, format).isGreaterThanOrEqualTo(35.0);
                }
                // The frame counter, white on black: sharp edges, but in luma only.
                assertThat(Images.psnr(expected, picture, pattern.counterRect()))
                        .as("PSNR of the counter, %s", format).isGreaterThanOrEqualTo(30.0);
            }
        } finally {
            expected.release();
        }
    }

    private static void awaitStream(ScanoutServer server, String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String streams = "";
        while (System.nanoTime() < deadline) {
            streams = HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + "/streams")
                    .responseContent().aggregate().asString().block(TIMEOUT);
            if (streams.contains(fragment)) {
                // The source has switched; let frames of the old format already inside convert and
                // encode drain, so a new viewer's first keyframe is of the new format.
                Thread.sleep(500);
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("/streams never showed " + fragment + ": " + streams);
    }
}
