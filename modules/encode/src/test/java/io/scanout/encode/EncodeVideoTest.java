package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.Damage;
import io.scanout.core.DmaBuf;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import io.scanout.core.nativeio.LibC;
import java.util.Optional;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.internal.AnnexB;
import io.scanout.encode.internal.FfmpegEncoder;
import io.scanout.encode.internal.H264ParameterSets;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.H264Decoder;
import io.scanout.encode.testing.Psnr;
import io.scanout.encode.testing.VideoDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.test.StepVerifier;

class EncodeVideoTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final double MIN_PSNR = 35;

    private final FramePool pool = new FramePool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMeters meters = new StreamMeters(registry, "test");

    /** Every frame made was released, FFmpeg holds none, and every encoder thread has ended (it frees its encoder first). */
    @AfterEach
    void nothingLeaks() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((pool.stats().outstanding() != 0 || FfmpegEncoder.framesHeldByFfmpeg() != 0
                || !encoderThreads().isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        FramePool.Stats stats = pool.stats();
        assertThat(stats.released()).as("frames released of %d acquired", stats.acquired()).isEqualTo(stats.acquired());
        assertThat(FfmpegEncoder.framesHeldByFfmpeg()).as("frames FFmpeg holds").isZero();
        assertThat(encoderThreads()).as("encoder threads still alive").isEmpty();
        pool.close();
    }

    private static List<String> encoderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("scanout-encode")).toList();
    }

    private static List<EncodedPacket> encodeAll(EncodeVideo encode, Flux<FrameEvent> frames) {
        List<EncodedPacket> packets = new ArrayList<>();
        StepVerifier.create(frames.transform(encode)).thenConsumeWhile(packets::add).expectComplete().verify(TIMEOUT);
        return packets;
    }

    /** Decodes packets in order; each picture's pts is its packet's frame sequence. */
    private static List<DecodedPicture> decode(H264Decoder decoder, List<EncodedPacket> packets) {
        List<DecodedPicture> pictures = new ArrayList<>();
        for (EncodedPacket p : packets) {
            pictures.addAll(decoder.decode(p.bytes(), p.sequence()));
        }
        pictures.addAll(decoder.flush());
        return pictures;
    }

    private static List<Long> keyframes(List<EncodedPacket> packets) {
        return packets.stream().filter(EncodedPacket::keyframe).map(EncodedPacket::sequence).toList();
    }

    private static void assertLooksLikeItsFrame(DecodedPicture picture) {
        int index = (int) picture.pts();
        double own = Psnr.of(TestStreams.picture(picture.width(), picture.height(), index), picture);
        double next = Psnr.of(TestStreams.picture(picture.width(), picture.height(), index + 1), picture);
        assertThat(own).as("PSNR of frame %d", index).isGreaterThanOrEqualTo(MIN_PSNR);
        // The neighbouring frame looks nothing like it: the PSNR tells frames apart.
        assertThat(next).as("PSNR of frame %d against frame %d", index, index + 1).isLessThan(20);
    }

    @Test
    void x264FramesDecodeCloseToTheSourceWithTheirSequenceCaptureTimeAndConfiguration() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        assertThat(encode.encoderName()).isEqualTo("libx264");
        assertThat(encode.inputFormat()).isEqualTo(DrmFormat.NV12);
        assertThat(encode.currentConfig()).isEmpty();

        List<EncodedPacket> packets = encodeAll(encode, TestStreams.frames(pool, DrmFormat.NV12, 320, 240, 30));

        assertThat(packets).extracting(EncodedPacket::sequence)
                .containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());
        assertThat(packets).extracting(EncodedPacket::captureNanos).containsExactlyElementsOf(
                LongStream.range(0, 30).mapToObj(i -> TestStreams.START_NANOS + i * TestStreams.FRAME_NANOS).toList());
        assertThat(packets).extracting(EncodedPacket::ptsMicros).containsExactlyElementsOf(
                LongStream.range(0, 30).mapToObj(i -> i * TestStreams.FRAME_NANOS / 1000).toList());
        EncodedPacket first = packets.get(0);
        assertThat(first.keyframe()).isTrue();
        assertThat(keyframes(packets)).containsExactly(0L);
        assertThat(AnnexB.types(first.bytes())).contains(AnnexB.SPS, AnnexB.PPS, AnnexB.IDR);

        CodecConfig config = first.config();
        assertThat(config.encoder()).isEqualTo("libx264");
        assertThat(config.width()).isEqualTo(320);
        assertThat(config.height()).isEqualTo(240);
        byte[] sps = AnnexB.units(config.parameterSets(), false).get(0).copy(config.parameterSets());
        assertThat(config.codecString()).isEqualTo(H264ParameterSets.codecString(sps));
        assertThat(packets).allSatisfy(p -> assertThat(p.config()).isSameAs(config));
        assertThat(encode.currentConfig()).containsSame(config);

        try (H264Decoder decoder = new H264Decoder()) {
            List<DecodedPicture> pictures = decode(decoder, packets);
            assertThat(pictures).hasSize(30);
            assertThat(decoder.errors()).isZero();
            assertThat(config.codecString()).startsWith(String.format("avc1.%02X", decoder.profile() & 0xff))
                    .endsWith(String.format("%02X", decoder.level()));
            pictures.forEach(EncodeVideoTest::assertLooksLikeItsFrame);
        }

        assertThat(registry.get("scanout.frames.encoded").counter().count()).isEqualTo(30);
        assertThat(registry.get("scanout.encoder.bytes").tag("encoder", "libx264").tag("codec", "h264").counter()
                .count()).isEqualTo(packets.stream().mapToInt(EncodedPacket::size).sum());
        assertThat(registry.get("scanout.keyframes.produced").counter().count()).isEqualTo(1);
        assertThat(registry.get("scanout.stage.latency").tag("stage", "encode").timer().count()).isEqualTo(30);
    }

    @Test
    void aRequestedKeyframeComesAtTheNextFrameAndAViewerCanStartThere() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        // map draws frame i when the encoder asks for it, after frame i - 1 was encoded: the request
        // lands between frames 11 and 12.
        Flux<FrameEvent> frames = Flux.range(0, 24).map(i -> {
            if (i == 12) {
                encode.requestKeyframe();
            }
            return TestStreams.event(pool, DrmFormat.NV12, 320, 240, i, i == 0);
        });

        List<EncodedPacket> packets = encodeAll(encode, frames);

        assertThat(keyframes(packets)).containsExactly(0L, 12L);
        assertThat(AnnexB.types(packets.get(12).bytes())).contains(AnnexB.SPS, AnnexB.PPS, AnnexB.IDR);
        assertThat(registry.get("scanout.keyframes.requested").counter().count()).isEqualTo(1);
        try (H264Decoder late = new H264Decoder()) {
            List<DecodedPicture> pictures = decode(late, packets.subList(12, 24));
            assertThat(pictures).hasSize(12);
            assertThat(late.errors()).isZero();
            pictures.forEach(EncodeVideoTest::assertLooksLikeItsFrame);
        }
        // Control: one packet earlier, a P frame, is no place to start.
        try (H264Decoder tooEarly = new H264Decoder()) {
            List<DecodedPicture> pictures = decode(tooEarly, packets.subList(11, 24));
            assertThat(pictures.size() < 13 || tooEarly.errors() > 0).as("a decoder starting at a P frame fails")
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "format change flagged: {0}")
    @ValueSource(booleans = {true, false})
    void aNewFrameSizeReopensTheEncoderWithANewConfiguration(boolean flagged) {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        // 200 rows is no multiple of 16: the SPS crops the coded picture.
        Flux<FrameEvent> frames = Flux.range(0, 12).map(i -> i < 6
                ? TestStreams.event(pool, DrmFormat.NV12, 320, 240, i, i == 0)
                : TestStreams.event(pool, DrmFormat.NV12, 352, 200, i, flagged && i == 6));

        List<EncodedPacket> packets = encodeAll(encode, frames);

        assertThat(packets).hasSize(12);
        assertThat(keyframes(packets)).containsExactly(0L, 6L);
        CodecConfig before = packets.get(0).config();
        CodecConfig after = packets.get(6).config();
        assertThat(packets.subList(0, 6)).allSatisfy(p -> assertThat(p.config()).isSameAs(before));
        assertThat(packets.subList(6, 12)).allSatisfy(p -> assertThat(p.config()).isSameAs(after));
        assertThat(after).isNotEqualTo(before);
        assertThat(List.of(before.width(), before.height(), after.width(), after.height()))
                .containsExactly(320, 240, 352, 200);
        assertThat(encode.currentConfig()).containsSame(after);
        try (H264Decoder decoder = new H264Decoder()) {
            List<DecodedPicture> pictures = decode(decoder, packets);
            assertThat(pictures).hasSize(12);
            assertThat(decoder.errors()).isZero();
            assertThat(pictures).extracting(p -> p.width() + "x" + p.height())
                    .containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> i < 6 ? "320x240" : "352x200")
                            .toList());
            pictures.forEach(EncodeVideoTest::assertLooksLikeItsFrame);
        }
    }

    /** Every software encoder: a new size mid-stream re-opens it, and the stream decodes across the change. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"x264, h264", "openh264, h264", "x265, hevc", "vp8, vp8", "vp9, vp9", "av1, av1"})
    void aNewFrameSizeMidStreamDecodesWithEachSoftwareEncoder(String choice, String codec) {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.parse(choice))
                .codec(Codec.parse(codec)).build(), meters);
        Flux<FrameEvent> frames = Flux.range(0, 8).map(i -> i < 4
                ? TestStreams.event(pool, encode.inputFormat(), 320, 240, i, i == 0)
                : TestStreams.event(pool, encode.inputFormat(), 352, 200, i, i == 4));

        // block() waits on a latch; StepVerifier's wait would spin a core the encoder needs on small hosts.
        List<EncodedPacket> packets = frames.transform(encode).collectList().block(TIMEOUT);

        assertThat(packets).hasSize(8);
        assertThat(keyframes(packets)).containsExactly(0L, 4L);
        assertThat(List.of(packets.get(0).config().width(), packets.get(0).config().height(),
                packets.get(4).config().width(), packets.get(4).config().height())).containsExactly(320, 240, 352, 200);
        try (VideoDecoder decoder = VideoDecoder.forCodec(Codec.parse(codec))) {
            List<DecodedPicture> pictures = new ArrayList<>();
            for (EncodedPacket p : packets) {
                pictures.addAll(decoder.decode(p.bytes(), p.sequence()));
            }
            pictures.addAll(decoder.flush());
            assertThat(decoder.errors()).isZero();
            assertThat(pictures).extracting(p -> p.width() + "x" + p.height())
                    .containsExactlyElementsOf(IntStream.range(0, 8).mapToObj(i -> i < 4 ? "320x240" : "352x200")
                            .toList());
            pictures.forEach(EncodeVideoTest::assertLooksLikeItsFrame);
        }
    }

    @Test
    void openH264TakesYu12AndHonoursKeyframeRequests() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults().withEncoder(EncoderChoice.OPENH264), meters);
        assertThat(encode.encoderName()).isEqualTo("libopenh264");
        assertThat(encode.inputFormat()).isEqualTo(DrmFormat.YU12);
        Flux<FrameEvent> frames = Flux.range(0, 20).map(i -> {
            if (i == 10) {
                encode.requestKeyframe();
            }
            return TestStreams.event(pool, DrmFormat.YU12, 320, 240, i, i == 0);
        });

        List<EncodedPacket> packets = encodeAll(encode, frames);

        assertThat(packets).hasSize(20);
        assertThat(keyframes(packets)).containsExactly(0L, 10L);
        assertThat(packets.get(0).config().encoder()).isEqualTo("libopenh264");
        assertThat(AnnexB.types(packets.get(0).bytes())).contains(AnnexB.SPS, AnnexB.PPS, AnnexB.IDR);
        try (H264Decoder decoder = new H264Decoder()) {
            List<DecodedPicture> pictures = decode(decoder, packets);
            assertThat(pictures).hasSize(20);
            assertThat(decoder.errors()).isZero();
            pictures.forEach(EncodeVideoTest::assertLooksLikeItsFrame);
        }
        try (H264Decoder late = new H264Decoder()) {
            assertThat(decode(late, packets.subList(10, 20))).hasSize(10);
            assertThat(late.errors()).isZero();
        }
    }

    @Test
    void aFrameInAnotherFormatEndsTheStreamWithAnErrorNamingBothFormats() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        Flux<FrameEvent> frames = Flux.range(0, 6).map(i -> TestStreams.event(pool,
                i == 2 ? DrmFormat.YU12 : DrmFormat.NV12, 320, 240, i, i <= 2));

        StepVerifier.create(frames.transform(encode))
                .expectNextCount(2)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(EncodeException.class)
                        .hasMessageContaining("libx264 takes NV12 frames, got YU12 320x240"))
                .verify(TIMEOUT);
    }

    @Test
    void aDmaBufToASoftwareEncoderEndsTheStreamWithAnErrorAndClosesItsFd() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults().withEncoder(EncoderChoice.X264), meters);
        assertThat(encode.dmaBufFormats()).isEmpty();
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.NV12, 320, 240, 64);
        int fd = LibC.memfd_create("scanout-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        DmaBuf dmaBuf = new DmaBuf(fd, layout.requiredBytes(), DmaBuf.MODIFIER_LINEAR, layout);
        Frame frame = Frame.wrap(dmaBuf);
        FrameEvent event = new FrameEvent(frame, Damage.whole(), 0, TestStreams.START_NANOS,
                Optional.of(frame.videoFormat()));

        StepVerifier.create(Flux.just(event).transform(encode))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(EncodeException.class)
                        .hasMessageContaining("libx264 takes frames in CPU memory, got a dma-buf NV12 320x240"))
                .verify(TIMEOUT);
        assertThat(frame.isReleased()).isTrue();
        assertThat(dmaBuf.isClosed()).isTrue();
    }

    @Test
    void anOddFrameSizeIsAnErrorNamingIt() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);

        StepVerifier.create(TestStreams.frames(pool, DrmFormat.NV12, 321, 240, 3).transform(encode))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(EncodeException.class)
                        .hasMessageContaining("even width and height").hasMessageContaining("NV12 321x240"))
                .verify(TIMEOUT);
    }

    @Test
    void anUpstreamErrorComesThroughAfterThePacketsBeforeIt() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        Flux<FrameEvent> frames = TestStreams.frames(pool, DrmFormat.NV12, 320, 240, 5)
                .concatWith(Flux.error(new IllegalStateException("capture failed")));

        StepVerifier.create(frames.transform(encode))
                .expectNextCount(5)
                .expectErrorMessage("capture failed")
                .verify(TIMEOUT);
    }

    @Test
    void cancelFreesTheEncoderAndReleasesQueuedFrames() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        Flux<FrameEvent> endless = Flux.range(0, Integer.MAX_VALUE)
                .map(i -> TestStreams.event(pool, DrmFormat.NV12, 320, 240, i, i == 0));

        StepVerifier.create(endless.transform(encode)).expectNextCount(5).thenCancel().verify(TIMEOUT);
        // nothingLeaks() waits for the encoder thread to free the encoder and end.
    }

    @Test
    void anEmptyStreamCompletesWithoutOpeningAnEncoder() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);

        StepVerifier.create(Flux.<FrameEvent>empty().transform(encode)).verifyComplete();
        assertThat(encode.currentConfig()).isEmpty();
    }

    @Test
    void cancellingWhileASourceThreadPushesFramesLeaksNothing() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        for (int round = 0; round < 30; round++) {
            int wanted = 1 + round % 4;
            // A capture-like source: its own thread, newest frame wins, drops discarded (and released).
            Flux<FrameEvent> pushed = Flux.create(sink -> new Thread(() -> {
                for (int i = 0; i < 100_000 && !sink.isCancelled(); i++) {
                    sink.next(TestStreams.event(pool, DrmFormat.NV12, 160, 120, i, i == 0));
                }
                sink.complete();
            }, "test-source").start(), FluxSink.OverflowStrategy.LATEST);

            List<EncodedPacket> got = pushed.transform(encode).take(wanted).collectList().block(TIMEOUT);

            assertThat(got).hasSize(wanted);
            assertThat(got.get(0).keyframe()).isTrue();
        }
    }

    @Test
    void encodesOnItsOwnThreadHoweverTheSubscriberRequests() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        List<String> threads = new ArrayList<>();
        Flux<FrameEvent> frames = TestStreams.frames(pool, DrmFormat.NV12, 160, 120, 8);
        StepVerifier.Step<EncodedPacket> step = StepVerifier.create(frames.transform(encode)
                .doOnNext(p -> threads.add(Thread.currentThread().getName())), 0);
        for (int i = 0; i < 8; i++) {
            // One at a time from the test thread: had an operator fused with publishOn, the encoder would
            // run here, and EncodeSession's thread check would end the stream with an error.
            step = step.thenRequest(1).expectNextCount(1);
        }
        step.verifyComplete();

        assertThat(threads).hasSize(8);
    }

    @Test
    void eachSubscriptionHasItsOwnEncoder() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults(), meters);
        Flux<EncodedPacket> large = TestStreams.frames(pool, DrmFormat.NV12, 320, 240, 6).transform(encode);
        Flux<EncodedPacket> small = TestStreams.frames(pool, DrmFormat.NV12, 160, 120, 6).transform(encode);

        List<EncodedPacket> both = Flux.merge(large, small).collectList().block(TIMEOUT);

        assertThat(both).hasSize(12);
        assertThat(both).filteredOn(p -> p.config().width() == 320).hasSize(6);
        assertThat(both).filteredOn(p -> p.config().width() == 160).hasSize(6);
        assertThat(keyframes(both)).containsExactlyInAnyOrder(0L, 0L);
        assertThat(Arrays.asList(both.stream().map(EncodedPacket::config).distinct().toArray())).hasSize(2);
    }
}
