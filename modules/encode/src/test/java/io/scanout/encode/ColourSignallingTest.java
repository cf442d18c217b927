package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

/**
 * {@code --colour} reaches the bitstream: an H.264 stream encoded in each {@link YuvColour} is read
 * back by ffprobe, an independent parser of the SPS's VUI, which must report the matrix and range
 * asked for (primaries and transfer stay BT.709: sRGB sources).
 */
class ColourSignallingTest {
    private final FramePool pool = new FramePool();
    private final StreamMeters meters = new StreamMeters(new SimpleMeterRegistry(), "colour");

    @AfterEach
    void close() {
        pool.close();
    }

    @ParameterizedTest(name = "{0} → color_range={1}, color_space={2}")
    @CsvSource({"bt709-limited, tv, bt709", "bt709-full, pc, bt709", "bt601-limited, tv, smpte170m",
            "bt601-full, pc, smpte170m"})
    void ffprobeReadsTheColourFromTheStream(String colour, String range, String space, @TempDir Path dir)
            throws IOException, InterruptedException {
        assumeTrue(onPath("ffprobe"), "ffprobe is not installed (apt-get install ffmpeg); skipping");
        EncoderSettings settings = EncoderSettings.defaults().withEncoder(EncoderChoice.X264)
                .withColour(YuvColour.parse(colour));
        List<EncodedPacket> packets = new ArrayList<>();
        StepVerifier.create(TestStreams.frames(pool, DrmFormat.NV12, 320, 240, 5)
                        .transform(EncodeVideo.create(settings, meters)))
                .thenConsumeWhile(packets::add).expectComplete().verify(Duration.ofSeconds(60));
        assertThat(packets).isNotEmpty();

        Path file = dir.resolve("stream.h264");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(packets.get(0).config().parameterSets());
            for (EncodedPacket p : packets) {
                out.write(p.bytes());
            }
        }
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=color_range,color_space,color_primaries,color_transfer", "-of", "default=nw=1",
                file.toString()).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("color_range=" + range, "color_space=" + space, "color_primaries=bt709",
                "color_transfer=bt709");
    }

    @Test
    void aWrongColourIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> YuvColour.parse("bt2020"))
                .hasMessageContaining("bt709-limited, bt709-full, bt601-limited or bt601-full")
                .hasMessageContaining("'bt2020'");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
