package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.convert.Scaling;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import io.scanout.transport.ViewerLimits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code --crop}: a part of the display reaches the viewer at its own size; a crop the source's
 * frames turn out not to fit (unknown until they arrive) drops them as errors, counted and logged,
 * and the stream stays up rather than failing or restarting.
 */
class CroppedStreamTest {
    private static StreamSettings cropped(String source, Rect crop) {
        return new StreamSettings("part", source, Scaling.none(), EncoderSettings.defaults().withEncoder(EncoderChoice.X264),
                ViewerLimits.defaults()).withCrop(Optional.of(crop));
    }

    @Test
    void aCroppedStreamHasTheCropsSize() {
        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                cropped("synthetic:640x360@15", new Rect(160, 90, 320, 180)))))) {
            ViewerClient.Session session = ViewerClient.watch(server.port(), "part", 3, Duration.ofSeconds(60));
            assertThat(session.firstConfig().width()).isEqualTo(320);
            assertThat(session.firstConfig().height()).isEqualTo(180);
        }
    }

    @Test
    void aCropOutsideTheFrameDropsFramesAsErrorsAndTheStreamStaysUp() throws InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FramePool pool = new FramePool();
             StreamPipeline stream = new StreamPipeline(cropped("synthetic:64x64@30", new Rect(32, 32, 64, 64)),
                     pool, registry)) {
            Counter errors = registry.get("scanout.frames.dropped").tag("stream", "part").tag("reason", "error")
                    .counter();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (errors.count() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(errors.count()).as("frames dropped as errors").isGreaterThanOrEqualTo(5);
            assertThat(stream.info().state()).as("no restart: the stage stays up for the next frame")
                    .isNotIn("restarting", "stopped");
            assertThat(stream.hub().config()).as("nothing was encoded").isEmpty();
        }
    }
}
