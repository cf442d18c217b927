package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.region.RegionProducer;
import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.PatternViewer.Checked;
import io.scanout.server.PatternViewer.Phase;
import io.scanout.server.cli.BindAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code region:PATH} served in this JVM with the real {@link RegionProducer} answering the
 * framebuffer-region protocol and changing, live, first its size and then its format (XR24 →
 * RG16): one viewer stays connected throughout, decodes the stream across the new CONFIGs, and
 * every picture it decodes matches, whole, the producer's frame it shows (PSNR ≥ 35 dB).
 * {@link RegionProcessEndToEndTest} runs the same through the command lines.
 */
class RegionEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int PICTURES = 15;

    @Test
    void oneViewerSeesTheProducersFramesThroughSizeAndFormatChanges(@TempDir Path dir) throws InterruptedException {
        Path region = dir.resolve("fb");
        List<Phase> phases = new ArrayList<>();
        phases.add(new Phase(0, new VideoFormat(DrmFormat.XR24, 320, 240)));
        try (RegionProducer producer = RegionProducer.start(region, phases.get(0).format(), 30);
             ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0),
                     List.of(new StreamSettings("vm", "region:" + region + "?fps=30",
                             EncoderSettings.builder().bitrate(4_000_000).build()))));
             PatternViewer viewer = PatternViewer.connect(server.port(), "vm")) {
            Checked first = viewer.checkUntil(phases, PICTURES, TIMEOUT);

            switchTo(producer, phases, new VideoFormat(DrmFormat.XR24, 400, 224));
            Checked resized = viewer.checkUntil(phases, PICTURES, TIMEOUT);
            int configsAfterResize = viewer.configs();

            switchTo(producer, phases, new VideoFormat(DrmFormat.RG16, 400, 224));
            Checked rgb565 = viewer.checkUntil(phases, PICTURES, TIMEOUT);

            assertThat(configsAfterResize).as("a new CONFIG for the new size").isGreaterThanOrEqualTo(2);
            System.out.printf("region end to end: worst whole-picture PSNR %.1f / %.1f / %.1f dB over %d / %d / %d"
                            + " pictures (XR24 320x240, XR24 400x224, RG16 400x224); against the RGB frames, colour"
                            + " edges on odd columns included, %.1f dB%n", first.worstPsnr(), resized.worstPsnr(),
                    rgb565.worstPsnr(), first.pictures(), resized.pictures(), rgb565.pictures(), viewer.worstRawPsnr());
            // Animated: the pictures show different frames, in order.
            assertThat(rgb565.frameIndexes()).isSortedAccordingTo(Long::compare);
            assertThat(rgb565.frameIndexes().get(rgb565.frameIndexes().size() - 1))
                    .isGreaterThan(rgb565.frameIndexes().get(0));
        }
    }

    /**
     * Changes what the producer draws with a pause around it, so every frame is captured clearly
     * before or after the change and its phase is known from its capture time.
     */
    private static void switchTo(RegionProducer producer, List<Phase> phases, VideoFormat next)
            throws InterruptedException {
        producer.setAnswering(false);
        Thread.sleep(300); // an answer under way completes; nothing is captured from here on
        phases.add(new Phase(PatternViewer.nowMicros(), next));
        producer.setFormat(next);
        producer.setAnswering(true);
    }
}
