package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.Codec;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.internal.EncoderCandidate;
import io.scanout.encode.testing.FrameLeaks;
import io.scanout.encode.testing.H264Decoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.test.StepVerifier;

/**
 * An FFmpeg build without libx264 (an LGPL build, as distributions ship): {@code auto} falls back to
 * libopenh264, says so in the log and the fallback counter, and the stream it makes decodes. The
 * build here has libx264; the test leaves it out through {@link EncoderLineup}'s "built" check, and
 * OpenH264 is the real encoder.
 */
class OpenH264FallbackTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Predicate<EncoderCandidate> WITHOUT_X264 =
            candidate -> candidate != EncoderCandidate.X264 && candidate.isAvailable();

    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger lineupLogger = (Logger) LoggerFactory.getLogger(EncoderLineup.class);

    @BeforeEach
    void captureLog() {
        log.start();
        lineupLogger.addAppender(log);
    }

    @AfterEach
    void nothingLeaks() throws InterruptedException {
        lineupLogger.detachAppender(log);
        FrameLeaks.assertNoneHeldThenClose(pool);
    }

    @Test
    void autoWithoutLibx264EncodesWithOpenH264AndSaysWhy() {
        EncoderSettings settings = EncoderSettings.defaults();
        assertThat(settings.encoder()).isEqualTo(EncoderChoice.AUTO);
        EncoderLineup lineup = EncoderLineup.resolve(settings, new EncoderMeters(meters),
                EncoderCandidate.ranked(EncoderChoice.AUTO, Codec.H264), WITHOUT_X264);
        EncodeVideo encode = EncodeVideo.create(settings, meters, lineup);

        assertThat(encode.encoderName()).isEqualTo("libopenh264");
        assertThat(encode.inputFormat()).as("OpenH264 takes planar 4:2:0").isEqualTo(DrmFormat.YU12);
        assertThat(encode.candidates()).filteredOn(p -> p.name().equals("libx264")).singleElement()
                .isEqualTo(new ProbeResult("libx264", EncoderKind.SOFTWARE, Codec.H264, false, false,
                        "not in this FFmpeg build"));
        assertThat(fallbacks("libx264", "not-built")).isEqualTo(1);
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).startsWith("encoding h264 with libopenh264 (software, YU12 in;")
                        .contains("passed over", "libx264: not in this FFmpeg build"));

        List<EncodedPacket> packets = new ArrayList<>();
        StepVerifier.create(TestStreams.frames(pool, encode.inputFormat(), 160, 120, 12).transform(encode))
                .thenConsumeWhile(packets::add).expectComplete().verify(TIMEOUT);
        assertThat(packets).hasSize(12).allSatisfy(p -> assertThat(p.config().encoder()).isEqualTo("libopenh264"));
        assertThat(packets.get(0).keyframe()).isTrue();
        try (H264Decoder decoder = new H264Decoder()) {
            int pictures = 0;
            for (EncodedPacket p : packets) {
                pictures += decoder.decode(p.bytes()).size();
            }
            pictures += decoder.flush().size();
            assertThat(decoder.errors()).isZero();
            assertThat(pictures).isEqualTo(12);
        }
    }

    @Test
    void askingForX264WithoutItIsAClearErrorNotAnotherEncoder() {
        // A named software encoder is taken or refused, never swapped (EncoderFallbackTest): the user
        // asked for x264's output, so the error says what is missing instead of giving them OpenH264.
        EncoderSettings settings = EncoderSettings.builder().encoder(EncoderChoice.X264).build();
        assertThatThrownBy(() -> EncoderLineup.resolve(settings, new EncoderMeters(meters),
                EncoderCandidate.ranked(EncoderChoice.X264, Codec.H264), WITHOUT_X264))
                .isInstanceOf(EncodeException.class)
                .hasMessage("no h264 encoder for --encoder=x264 (libx264: not in this FFmpeg build); libx264 needs "
                        + "FFmpeg's GPL build, libopenh264 one built with --enable-libopenh264");
        assertThat(fallbacks("libx264", "not-built")).isEqualTo(1);
    }

    private double fallbacks(String encoder, String reason) {
        var counter = registry.find("scanout.encoder.fallbacks").tag("stream", "test").tag("encoder", encoder)
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
