package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import io.scanout.server.PatternViewer.Checked;
import io.scanout.server.PatternViewer.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The command lines as an operator runs them, each its own process:
 * {@code scanout region-producer /dev/shm/scanout-test-… --size 320x240 --fps 30 --format XR24} and
 * {@code scanout serve --source region:/dev/shm/scanout-test-…}. The producer is then restarted on
 * the same path at 400x224 and again as RG16 (the CLI producer cannot change while running); the
 * source follows each restart (the poller times out on the old file, the pipeline re-opens the
 * path), and one WebSocket viewer, connected throughout, decodes every picture and matches it,
 * whole, with the producer's frame it shows (PSNR ≥ 35 dB, see {@link PatternViewer}).
 */
class RegionProcessEndToEndTest {
    private static final Pattern SERVING = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int PICTURES = 10;

    private final Path path = Path.of("/dev/shm", "scanout-test-" + UUID.randomUUID());

    @AfterEach
    void removeRegion() throws IOException {
        Files.deleteIfExists(path);
    }

    @Test
    void aViewerFollowsTheProducerThroughRestartsAtAnotherSizeAndFormat() throws Exception {
        List<Phase> phases = new ArrayList<>();
        phases.add(new Phase(0, new VideoFormat(DrmFormat.XR24, 320, 240)));
        ScanoutProcess producer = startProducer(phases.get(0).format());
        try (ScanoutProcess serve = ScanoutProcess.start("serve", "--source", "region:" + path + "?fps=30&timeout=1000",
                "--bind", "127.0.0.1:0", "--stream", "vm", "--bitrate", "4M")) {
            Matcher port = SERVING.matcher(serve.awaitLine("Scanout is serving"));
            assertThat(port.find()).isTrue();
            try (PatternViewer viewer = PatternViewer.connect(Integer.parseInt(port.group(1)), "vm")) {
                Checked first = viewer.checkUntil(phases, PICTURES, TIMEOUT);

                producer = restart(producer, phases, new VideoFormat(DrmFormat.XR24, 400, 224));
                Checked resized = viewer.checkUntil(phases, PICTURES, TIMEOUT);

                producer = restart(producer, phases, new VideoFormat(DrmFormat.RG16, 400, 224));
                Checked rgb565 = viewer.checkUntil(phases, PICTURES, TIMEOUT);

                assertThat(viewer.configs()).as("a new CONFIG for the new size").isGreaterThanOrEqualTo(2);
                System.out.printf("region processes: worst whole-picture PSNR %.1f / %.1f / %.1f dB over %d / %d / %d"
                                + " pictures%n", first.worstPsnr(), resized.worstPsnr(), rgb565.worstPsnr(),
                        first.pictures(), resized.pictures(), rgb565.pictures());
            }
        } finally {
            producer.close();
        }
    }

    private ScanoutProcess startProducer(VideoFormat format) throws IOException, InterruptedException {
        ScanoutProcess producer = ScanoutProcess.start("region-producer", path.toString(), "--size",
                format.width() + "x" + format.height(), "--fps", "30", "--format", format.format().toString());
        producer.awaitLine("answering at " + path);
        return producer;
    }

    /**
     * Stops the producer (SIGTERM, which removes its file) and starts another with {@code next}; the
     * new phase begins between the two, when no producer runs and nothing can be captured.
     */
    private ScanoutProcess restart(ScanoutProcess producer, List<Phase> phases, VideoFormat next)
            throws IOException, InterruptedException {
        producer.terminate();
        assertThat(Files.exists(path)).as("the old producer removed its file").isFalse();
        Thread.sleep(300);
        phases.add(new Phase(PatternViewer.nowMicros(), next));
        return startProducer(next);
    }
}
