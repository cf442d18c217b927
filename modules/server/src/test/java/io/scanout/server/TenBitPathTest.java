package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.convert.ConvertSettings;
import io.scanout.convert.FrameConverter;
import io.scanout.convert.NormalizeFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanout.core.Codec;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.BitDepth;
import io.scanout.encode.EncodeException;
import io.scanout.encode.EncodeVideo;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.testing.FrameLeaks;
import io.scanout.server.cli.BindAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * 10-bit sources through the convert and encode stages as a stream wires them
 * ({@link StreamSettings#convertSettings(DrmFormat, Optional)} with {@link EncodeVideo#highDepthFormat()}),
 * on real encoders, decoded by the ffmpeg and ffprobe command-line tools as independent decoders.
 *
 * <p>The picture is eight flat grey bands one 10-bit code apart (XR30 grey 400..407, or P010 luma
 * 404..411): 8 bits cannot tell neighbours apart, so a path that cut to 8 bits anywhere decodes a
 * staircase two codes off in places, and fails the ±1 check as well as the pixel-format check.
 */
class TenBitPathTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int WIDTH = 256;
    private static final int HEIGHT = 64;
    private static final int BANDS = 8;
    private static final int BAND = WIDTH / BANDS;
    private static final int FRAMES = 8;

    private final FramePool pool = new FramePool();
    private final StreamMeters meters = StreamMeters.noop();

    @TempDir
    Path dir;

    @AfterEach
    void nothingLeaks() throws InterruptedException {
        FrameLeaks.assertNoneHeldThenClose(pool);
    }

    private static EncoderSettings x265() {
        // A generous bitrate for a tiny picture: flat bands come out exact, so ±1 is the decoder's rounding.
        return EncoderSettings.builder().encoder(EncoderChoice.X265).codec(Codec.HEVC).bitrate(20_000_000).build();
    }

    @Test
    void anXr30SourceReachesX265AtTenBitsAndDecodesToItsTenBitValues() throws Exception {
        EncodeVideo encode = EncodeVideo.create(x265(), meters);
        assertThat(encode.highDepthFormat()).contains(DrmFormat.P010);
        ConvertSettings convert = convertSettings(encode);

        int[] expected = expectedLuma(convert, xr30Bands());
        // The test's own premise: neighbouring bands differ by less than one 8-bit step.
        assertThat(expected[BANDS - 1] - expected[0]).isBetween(4, 10);

        List<EncodedPacket> packets = run(encode, convert, i -> xr30Bands());

        assertThat(packets.get(0).config().codecString()).as("HEVC Main 10: general_profile_idc 2").startsWith("hev1.2.");
        assertThat(packets.get(0).config().bitDepth()).as("bit_depth_luma_minus8 + 8 of the SPS").isEqualTo(10);
        Path file = write(packets, "xr30.hevc");
        assertThat(probe(file, "hevc")).isEqualTo("hevc,Main 10,yuv420p10le");
        assertThat(worstMiss(file, "hevc", expected)).as("largest miss of a decoded pixel, bands %s",
                List.of(box(expected))).isLessThanOrEqualTo(1);
    }

    @Test
    void aP010SourcePassesThroughConvertAndDecodesToItsTenBitValues() throws Exception {
        EncodeVideo encode = EncodeVideo.create(x265(), meters);
        ConvertSettings convert = convertSettings(encode);
        int[] luma = new int[BANDS];
        for (int band = 0; band < BANDS; band++) {
            luma[band] = 404 + band;
        }

        List<EncodedPacket> packets = run(encode, convert, i -> p010Bands(luma));

        assertThat(packets.get(0).config().bitDepth()).isEqualTo(10);
        Path file = write(packets, "p010.hevc");
        assertThat(probe(file, "hevc")).isEqualTo("hevc,Main 10,yuv420p10le");
        assertThat(worstMiss(file, "hevc", luma)).as("largest miss of a decoded pixel").isLessThanOrEqualTo(1);
    }

    @Test
    void anEightBitSourceWithTheSameEncoderStaysEightBit() throws Exception {
        EncodeVideo encode = EncodeVideo.create(x265(), meters);

        List<EncodedPacket> packets = run(encode, convertSettings(encode), i -> xr24Grey());

        assertThat(packets.get(0).config().codecString()).startsWith("hev1.1.");
        assertThat(packets.get(0).config().bitDepth()).isEqualTo(8);
        assertThat(probe(write(packets, "xr24.hevc"), "hevc")).isEqualTo("hevc,Main,yuv420p");
    }

    @Test
    void theEncoderReopensAtTenBitsWhenTheSourceTurnsTenBitAndBackAgain() {
        EncodeVideo encode = EncodeVideo.create(x265(), meters);

        List<EncodedPacket> packets = run(encode, convertSettings(encode),
                i -> i < 3 || i >= 6 ? xr24Grey() : xr30Bands());

        assertThat(packets).extracting(p -> p.config().codecString().substring(0, 7))
                .containsExactly("hev1.1.", "hev1.1.", "hev1.1.", "hev1.2.", "hev1.2.", "hev1.2.", "hev1.1.",
                        "hev1.1.");
        assertThat(packets).extracting(p -> p.config().bitDepth()).containsExactly(8, 8, 8, 10, 10, 10, 8, 8);
        assertThat(packets).extracting(EncodedPacket::keyframe)
                .containsExactly(true, false, false, true, false, false, true, false);
    }

    @Test
    void svtAv1SaysTenBitsInItsCodecString() {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.AV1).codec(Codec.AV1)
                .bitrate(2_000_000).build(), meters);

        List<EncodedPacket> packets = run(encode, convertSettings(encode), i -> xr30Bands());

        assertThat(packets.get(0).config().codecString()).matches("av01\\.0\\.\\d\\d[MH]\\.10");
        assertThat(packets.get(0).config().bitDepth()).as("the sequence header's high_bitdepth").isEqualTo(10);
    }

    @Test
    void h264StaysEightBitUnderAutoEvenForATenBitSource() throws Exception {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.X264)
                .codec(Codec.H264).build(), meters);
        assertThat(encode.highDepthFormat()).isEmpty();
        assertThat(encode.dmaBufFormats()).doesNotContain(DrmFormat.P010);

        List<EncodedPacket> packets = run(encode, convertSettings(encode), i -> xr30Bands());

        assertThat(packets.get(0).config().bitDepth()).isEqualTo(8);
        assertThat(probe(write(packets, "xr30.h264"), "h264")).endsWith(",yuv420p");
    }

    @Test
    void bitDepthTenTakesH264ToHigh10WhenAskedFor() throws Exception {
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.builder().encoder(EncoderChoice.X264)
                .codec(Codec.H264).bitrate(20_000_000).bitDepth(BitDepth.TEN).build(), meters);
        ConvertSettings convert = convertSettings(encode);
        int[] expected = expectedLuma(convert, xr30Bands());

        List<EncodedPacket> packets = run(encode, convert, i -> xr30Bands());

        assertThat(packets.get(0).config().codecString()).as("profile_idc 110").startsWith("avc1.6E");
        assertThat(packets.get(0).config().bitDepth()).as("bit_depth_luma_minus8 + 8 of the SPS").isEqualTo(10);
        Path file = write(packets, "high10.h264");
        assertThat(probe(file, "h264")).isEqualTo("h264,High 10,yuv420p10le");
        assertThat(worstMiss(file, "h264", expected)).isLessThanOrEqualTo(1);
    }

    @Test
    void bitDepthTenWithAnEncoderThatEncodesEightBitsOnlyIsRefusedNamingIt() {
        EncoderSettings vp9 = EncoderSettings.builder().encoder(EncoderChoice.VP9).codec(Codec.VP9)
                .bitDepth(BitDepth.TEN).build();

        assertThatThrownBy(() -> EncodeVideo.create(vp9, meters))
                .isInstanceOf(EncodeException.class)
                .hasMessageContaining("libvpx-vp9: encodes 8 bits only in this FFmpeg build, and --bit-depth 10")
                .hasMessageContaining("libx265 (--codec hevc)");
    }

    @Test
    void bitDepthEightKeepsATenBitSourceAtEightBits() throws Exception {
        EncodeVideo encode = EncodeVideo.create(x265().withBitDepth(BitDepth.EIGHT), meters);
        assertThat(encode.highDepthFormat()).isEmpty();

        ConvertSettings convert = convertSettings(encode);
        int[] tenBits = expectedLuma(convert.withHighDepthTarget(DrmFormat.P010), xr30Bands());

        List<EncodedPacket> packets = run(encode, convert, i -> xr30Bands());

        Path file = write(packets, "eight.hevc");
        assertThat(packets.get(0).config().bitDepth()).isEqualTo(8);
        assertThat(probe(file, "hevc")).isEqualTo("hevc,Main,yuv420p");
        // And the per-pixel ±1 check of the 10-bit tests tells the two apart: at 8 bits (libswscale
        // dithers, so a band's mean still comes close) pixels miss by 2 or more.
        assertThat(worstMiss(file, "hevc", tenBits)).as("largest miss at 8 bits, bands %s", List.of(box(tenBits)))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void bitDepthTenEncodesAnEightBitSourceAtTenBitsToo() throws Exception {
        EncodeVideo encode = EncodeVideo.create(x265().withBitDepth(BitDepth.TEN), meters);
        assertThat(encode.inputFormat()).isEqualTo(DrmFormat.P010);

        List<EncodedPacket> packets = run(encode, convertSettings(encode), i -> xr24Grey());

        assertThat(packets.get(0).config().bitDepth()).isEqualTo(10);
        assertThat(probe(write(packets, "ten.hevc"), "hevc")).isEqualTo("hevc,Main 10,yuv420p10le");
    }

    @Test
    void aServerStreamOfATenBitSyntheticSourceTellsViewersAndStreamsMain10() throws IOException {
        ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("ten", "synthetic:320x240@30?format=XR30", x265().withBitrate(1_000_000)),
                new StreamSettings("eight", "synthetic:320x240@30?format=XR24", x265().withBitrate(1_000_000)))));
        try {
            ViewerClient.Config ten = ViewerClient.watch(server.port(), "ten", 3, TIMEOUT).firstConfig();
            ViewerClient.Config eight = ViewerClient.watch(server.port(), "eight", 3, TIMEOUT).firstConfig();

            assertThat(ten.codecString()).startsWith("hev1.2.");
            assertThat(eight.codecString()).startsWith("hev1.1.");

            JsonNode streams = new ObjectMapper().readTree(URI.create("http://127.0.0.1:" + server.port() + "/streams")
                    .toURL());
            assertThat(streams).hasSize(2);
            for (JsonNode stream : streams) {
                boolean tenBit = stream.path("id").asText().equals("ten");
                assertThat(stream.path("bitDepth").asInt()).as("/streams: %s", stream).isEqualTo(tenBit ? 10 : 8);
                assertThat(stream.path("codecString").asText()).as("/streams: %s", stream)
                        .isEqualTo(tenBit ? ten.codecString() : eight.codecString());
            }
        } finally {
            server.close();
        }
    }

    @Test
    void aServerRefusesBitDepthTenWithAnEightBitEncoderAtStartUp() {
        ServerSettings settings = new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("vp9", "synthetic:320x240@30", EncoderSettings.builder()
                        .encoder(EncoderChoice.VP9).codec(Codec.VP9).bitDepth(BitDepth.TEN).build())));

        assertThatThrownBy(() -> ScanoutServer.start(settings)).hasMessageContaining("--bit-depth 10");
    }

    // --- the pipeline, as StreamPipeline wires it ---

    private static ConvertSettings convertSettings(EncodeVideo encode) {
        StreamSettings stream = new StreamSettings("tenbit", "synthetic:" + WIDTH + "x" + HEIGHT + "@30",
                encode.settings());
        return stream.convertSettings(encode.inputFormat(), encode.highDepthFormat());
    }

    private List<EncodedPacket> run(EncodeVideo encode, ConvertSettings convert, IntFunction<Frame> picture) {
        VideoFormat[] last = new VideoFormat[1];
        return Flux.range(0, FRAMES)
                .map(i -> {
                    Frame frame = picture.apply(i);
                    boolean changed = !frame.videoFormat().equals(last[0]);
                    last[0] = frame.videoFormat();
                    return new FrameEvent(frame, Damage.whole(), i, 1_000_000_000L + i * 33_333_333L,
                            changed ? Optional.of(frame.videoFormat()) : Optional.empty());
                })
                .transform(NormalizeFormat.with(convert, pool, meters))
                .transform(encode)
                .collectList()
                .block(TIMEOUT);
    }

    // --- pictures ---

    /** Eight grey bands, 10-bit levels 400..407, in XR30 (2:10:10:10, little-endian words). */
    private Frame xr30Bands() {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR30, WIDTH, HEIGHT));
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int v = 400 + x / BAND;
                b.putInt((int) (frame.layout().offset(0) + (long) y * frame.layout().stride(0) + 4L * x),
                        v << 20 | v << 10 | v);
            }
        }
        return frame;
    }

    /** Mid grey in XR24. */
    private Frame xr24Grey() {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, WIDTH, HEIGHT));
        ByteBuffer b = frame.buffer();
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH * 4; x++) {
                b.put((int) (frame.layout().offset(0) + (long) y * frame.layout().stride(0) + x), (byte) 100);
            }
        }
        return frame;
    }

    /** Eight bands of the given 10-bit luma, neutral chroma, in P010 (10 bits in the high bits of 16). */
    private Frame p010Bands(int[] luma) {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.P010, WIDTH, HEIGHT));
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                b.putShort((int) (frame.layout().offset(0) + (long) y * frame.layout().stride(0) + 2L * x),
                        (short) (luma[x / BAND] << 6));
            }
        }
        for (int y = 0; y < HEIGHT / 2; y++) {
            for (int x = 0; x < WIDTH; x++) {
                b.putShort((int) (frame.layout().offset(1) + (long) y * frame.layout().stride(1) + 2L * x),
                        (short) (512 << 6));
            }
        }
        return frame;
    }

    /** The 10-bit luma at each band's centre after the convert stage alone. */
    private int[] expectedLuma(ConvertSettings convert, Frame source) {
        int[] luma = new int[BANDS];
        try (FrameConverter converter = FrameConverter.create(convert, pool)) {
            Frame p010 = converter.convert(source);
            try {
                assertThat(p010.format()).isEqualTo(DrmFormat.P010);
                ByteBuffer b = p010.buffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int band = 0; band < BANDS; band++) {
                    int x = band * BAND + BAND / 2;
                    int word = b.getShort((int) (p010.layout().offset(0) + (long) (HEIGHT / 2) * p010.layout().stride(0)
                            + 2L * x)) & 0xffff;
                    luma[band] = word >> 6;
                }
            } finally {
                p010.release();
            }
        } finally {
            source.release();
        }
        return luma;
    }

    // --- the independent decoder ---

    private Path write(List<EncodedPacket> packets, String name) throws IOException {
        assertThat(packets).hasSize(FRAMES);
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (EncodedPacket p : packets) {
                out.write(p.bytes());
            }
        }
        return file;
    }

    /** ffprobe's {@code codec_name,profile,pix_fmt} of the stream. */
    private static String probe(Path file, String format) throws IOException, InterruptedException {
        return run("ffprobe", "-v", "error", "-f", format, "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,profile,pix_fmt", "-of", "csv=p=0", file.toString());
    }

    /**
     * The largest difference between a decoded 10-bit luma sample of a band's inner part and that
     * band's {@code expected} value, in the last picture ffmpeg decodes.
     */
    private int worstMiss(Path file, String format, int[] expected) throws IOException, InterruptedException {
        Path raw = dir.resolve(file.getFileName() + ".yuv");
        run("ffmpeg", "-v", "error", "-f", format, "-i", file.toString(), "-f", "rawvideo", "-pix_fmt",
                "yuv420p10le", raw.toString());
        byte[] all = Files.readAllBytes(raw);
        int frameBytes = WIDTH * HEIGHT * 3;
        assertThat(all.length).as("decoded size").isEqualTo(FRAMES * frameBytes);
        ByteBuffer last = ByteBuffer.wrap(all, (FRAMES - 1) * frameBytes, frameBytes).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        int worst = 0;
        for (int band = 0; band < BANDS; band++) {
            for (int y = 8; y < HEIGHT - 8; y++) {
                for (int x = band * BAND + 8; x < (band + 1) * BAND - 8; x++) {
                    worst = Math.max(worst, Math.abs((last.getShort(2 * (y * WIDTH + x)) & 0xffff) - expected[band]));
                }
            }
        }
        return worst;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        assertThat(process.exitValue()).as("%s exit status; output: %s", command[0], output).isZero();
        return output;
    }

    private static Integer[] box(int[] values) {
        Integer[] boxed = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
