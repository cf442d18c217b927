package io.scanout.transport.mux;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.scanout.encode.EncodeVideo;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.internal.AnnexB;
import io.scanout.encode.testing.ColourBlocks;
import io.scanout.encode.testing.YuvFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * HEVC (libx265) and AV1 (libsvtav1) packets muxed into fragmented MP4 by {@link PacketMuxer}
 * carry their configuration the way MP4 needs it: an {@code hvcC} box with the VPS, SPS and PPS,
 * an {@code av1C} box with the sequence header OBU. Read back two ways: the boxes parsed here from
 * the file's bytes, and Debian's ffprobe and ffmpeg (an independent demuxer and decoder) reporting
 * codec, size and profile and decoding every frame without an error. HEVC is tagged {@code hvc1}
 * (the only tag Safari plays), so its samples are checked to carry no parameter sets. The
 * H.264/{@code avcC} case is {@link MuxHttpTest}'s.
 */
class Mp4CodecConfigTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES = 12;
    private static final long FRAME_NANOS = 33_333_333L;

    private final FramePool pool = new FramePool();

    @TempDir
    Path dir;

    @AfterEach
    void allFramesReleased() {
        assertThat(pool.stats().outstanding()).isZero();
        pool.close();
    }

    @Test
    void hevcGoesIntoAnHvcCBoxThatFfprobeReadsAndEveryFrameDecodes() throws Exception {
        List<EncodedPacket> packets = encode(EncoderChoice.X265, Codec.HEVC);
        // The encoder repeats VPS, SPS and PPS in band on every keyframe (two here): avformat's MP4
        // muxer removes them from the samples because the stream is tagged hvc1 (with hev1 it keeps them).
        assertThat(packets).filteredOn(EncodedPacket::keyframe).hasSize(2).allSatisfy(p ->
                assertThat(AnnexB.hevcUnits(p.bytes(), false)).extracting(AnnexB.NalUnit::type).contains(32, 33, 34));
        Path mp4 = mux(packets, Codec.HEVC);
        byte[] file = Files.readAllBytes(mp4);

        byte[] hvcC = box(file, "hvcC");
        // HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1): version 1, Main profile.
        assertThat(hvcC[0]).as("configurationVersion").isEqualTo((byte) 1);
        assertThat(hvcC[1] & 0x1f).as("general_profile_idc (1 = Main)").isEqualTo(1);
        assertThat(hvcC[21] & 0x3).as("lengthSizeMinusOne").isEqualTo(3);
        assertThat(hvcNalTypes(hvcC)).as("parameter set arrays").contains(32, 33, 34);
        assertThat(hvcArrayCompleteness(hvcC)).as("array_completeness of each array (hvc1: all sets are here)")
                .containsOnly(true);

        // hvc1 (Safari plays no other): the parameter sets are in hvcC only, none in the samples.
        List<List<Integer>> samples = sampleNalTypes(file);
        assertThat(samples).as("one sample per frame").hasSize(FRAMES);
        assertThat(samples).allSatisfy(types -> assertThat(types).as("NAL unit types of a sample")
                .doesNotContain(32, 33, 34).anyMatch(type -> type < 32));

        Map<String, String> stream = ffprobe(mp4);
        assertThat(stream).containsEntry("codec_name", "hevc").containsEntry("codec_tag_string", "hvc1")
                .containsEntry("width", Integer.toString(WIDTH)).containsEntry("height", Integer.toString(HEIGHT))
                .containsEntry("profile", "Main").containsEntry("pix_fmt", "yuv420p");
        assertThat(decodedFrames(mp4)).isEqualTo(FRAMES);
    }

    @Test
    void tenBitHevcGoesIntoMp4AsMain10TaggedHvc1() throws Exception {
        FfmpegPlayer.assumeInstalled();
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults().withEncoder(EncoderChoice.X265, Codec.HEVC)
                .withBitDepth(BitDepth.TEN).withKeyframeIntervalFrames(FRAMES / 2), StreamMeters.noop());
        List<EncodedPacket> packets = Flux.range(0, FRAMES).map(this::p010Event).transform(encode).collectList()
                .block(Duration.ofMinutes(2));
        assertThat(packets).hasSize(FRAMES);
        assertThat(packets.get(0).config().bitDepth()).as("the SPS's bit depth").isEqualTo(10);
        Path mp4 = mux(packets, Codec.HEVC);

        assertThat(sampleNalTypes(Files.readAllBytes(mp4))).hasSize(FRAMES)
                .allSatisfy(types -> assertThat(types).doesNotContain(32, 33, 34));
        assertThat(ffprobe(mp4)).containsEntry("codec_tag_string", "hvc1").containsEntry("profile", "Main 10")
                .containsEntry("pix_fmt", "yuv420p10le");
        assertThat(decodedFrames(mp4)).isEqualTo(FRAMES);
    }

    @Test
    void av1GoesIntoAnAv1CBoxThatFfprobeReadsAndEveryFrameDecodes() throws Exception {
        Path mp4 = mux(EncoderChoice.AV1, Codec.AV1);

        byte[] av1C = box(Files.readAllBytes(mp4), "av1C");
        // AV1CodecConfigurationRecord (AV1 ISOBMFF binding §2.3): marker and version 1, Main profile,
        // 4:2:0, then the sequence header OBU as the configOBUs.
        assertThat(av1C[0] & 0xff).as("marker and version").isEqualTo(0x81);
        assertThat((av1C[1] & 0xff) >> 5).as("seq_profile (0 = Main)").isZero();
        assertThat(av1C[2] & 0x0c).as("chroma_subsampling_x and _y").isEqualTo(0x0c);
        assertThat(av1C.length).as("configOBUs present").isGreaterThan(4);
        assertThat((av1C[4] & 0xff) >> 3 & 0xf).as("first config OBU type (1 = sequence header)").isEqualTo(1);

        Map<String, String> stream = ffprobe(mp4);
        assertThat(stream).containsEntry("codec_name", "av1").containsEntry("codec_tag_string", "av01")
                .containsEntry("width", Integer.toString(WIDTH)).containsEntry("height", Integer.toString(HEIGHT))
                .containsEntry("profile", "Main").containsEntry("pix_fmt", "yuv420p");
        assertThat(decodedFrames(mp4)).isEqualTo(FRAMES);
    }

    /** {@value #FRAMES} frames of shifting colour blocks, encoded and muxed into a fragmented MP4 file. */
    private Path mux(EncoderChoice encoder, Codec codec) throws IOException {
        return mux(encode(encoder, codec), codec);
    }

    /** {@value #FRAMES} frames of shifting colour blocks, encoded, a keyframe every {@code FRAMES / 2}. */
    private List<EncodedPacket> encode(EncoderChoice encoder, Codec codec) {
        FfmpegPlayer.assumeInstalled();
        EncodeVideo encode = EncodeVideo.create(EncoderSettings.defaults().withEncoder(encoder, codec)
                .withKeyframeIntervalFrames(FRAMES / 2), StreamMeters.noop());
        List<EncodedPacket> packets = Flux.range(0, FRAMES).map(this::event).transform(encode).collectList()
                .block(Duration.ofMinutes(2));
        assertThat(packets).hasSize(FRAMES);
        assertThat(packets.get(0).keyframe()).isTrue();
        assertThat(packets.get(0).config().codec()).isEqualTo(codec);
        return packets;
    }

    /** The packets muxed into a fragmented MP4 file. */
    private Path mux(List<EncodedPacket> packets, Codec codec) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (PacketMuxer muxer = PacketMuxer.toConsumer(MuxFormat.FRAGMENTED_MP4, packets.get(0).config(),
                bytes -> copy(bytes, file))) {
            packets.forEach(muxer::write);
        }
        Path mp4 = dir.resolve(codec.id() + ".mp4");
        Files.write(mp4, file.toByteArray());
        return mp4;
    }

    private FrameEvent event(int index) {
        Frame frame = YuvFrames.draw(pool, DrmFormat.YU12, new ColourBlocks(WIDTH, HEIGHT, index));
        return new FrameEvent(frame, Damage.whole(), index, 1_000_000_000L + index * FRAME_NANOS,
                index == 0 ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    /** A P010 frame (10 bits in the high bits of 16, little-endian): vertical grey bands that move with the index. */
    private FrameEvent p010Event(int index) {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.P010, WIDTH, HEIGHT));
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int luma = 64 + ((x + 8 * index) / 40 % 8) * 100;
                b.putShort((int) (frame.layout().offset(0) + (long) y * frame.layout().stride(0) + 2L * x),
                        (short) (luma << 6));
            }
        }
        for (int y = 0; y < HEIGHT / 2; y++) {
            for (int x = 0; x < WIDTH; x++) {
                b.putShort((int) (frame.layout().offset(1) + (long) y * frame.layout().stride(1) + 2L * x),
                        (short) (512 << 6));
            }
        }
        return new FrameEvent(frame, Damage.whole(), index, 1_000_000_000L + index * FRAME_NANOS,
                index == 0 ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    private static void copy(ByteBuffer bytes, ByteArrayOutputStream out) {
        byte[] chunk = new byte[bytes.remaining()];
        bytes.get(chunk);
        out.writeBytes(chunk);
    }

    /**
     * The payload of the first box of this type in the file, found by walking the box tree down
     * through the containers that lead to a sample entry ({@code moov/trak/mdia/minf/stbl/stsd}).
     */
    private static byte[] box(byte[] file, String type) {
        byte[] found = find(file, 0, file.length, type);
        assertThat(found).as("a %s box in the MP4", type).isNotNull();
        return found;
    }

    private static byte[] find(byte[] file, int from, int to, String type) {
        int at = from;
        while (at + 8 <= to) {
            long size = ByteBuffer.wrap(file, at, 4).getInt() & 0xffffffffL;
            String name = new String(file, at + 4, 4, StandardCharsets.ISO_8859_1);
            int end = size < 8 || at + size > to ? to : (int) (at + size);
            if (name.equals(type)) {
                byte[] payload = new byte[end - at - 8];
                System.arraycopy(file, at + 8, payload, 0, payload.length);
                return payload;
            }
            int children = switch (name) {
                case "moov", "trak", "mdia", "minf", "stbl" -> at + 8;
                case "stsd" -> at + 16; // full box header and entry count
                case "hvc1", "hev1", "av01" -> at + 8 + 78; // VisualSampleEntry fields
                default -> -1;
            };
            if (children >= 0) {
                byte[] inner = find(file, children, end, type);
                if (inner != null) {
                    return inner;
                }
            }
            at = end;
        }
        return null;
    }

    /** The NAL unit types of the arrays in an {@code hvcC} record. */
    private static List<Integer> hvcNalTypes(byte[] hvcC) {
        List<Integer> types = new ArrayList<>();
        int arrays = hvcC[22] & 0xff;
        int at = 23;
        for (int a = 0; a < arrays; a++) {
            types.add(hvcC[at] & 0x3f);
            int count = (hvcC[at + 1] & 0xff) << 8 | hvcC[at + 2] & 0xff;
            at += 3;
            for (int n = 0; n < count; n++) {
                int length = (hvcC[at] & 0xff) << 8 | hvcC[at + 1] & 0xff;
                at += 2 + length;
            }
        }
        assertThat(at).as("hvcC arrays end where the box does").isEqualTo(hvcC.length);
        return types;
    }

    /** The {@code array_completeness} bit of each array in an {@code hvcC} record. */
    private static List<Boolean> hvcArrayCompleteness(byte[] hvcC) {
        List<Boolean> complete = new ArrayList<>();
        int arrays = hvcC[22] & 0xff;
        int at = 23;
        for (int a = 0; a < arrays; a++) {
            complete.add((hvcC[at] & 0x80) != 0);
            int count = (hvcC[at + 1] & 0xff) << 8 | hvcC[at + 2] & 0xff;
            at += 3;
            for (int n = 0; n < count; n++) {
                at += 2 + ((hvcC[at] & 0xff) << 8 | hvcC[at + 1] & 0xff);
            }
        }
        return complete;
    }

    /**
     * The HEVC NAL unit types of each sample, in file order: with one {@code moof}/{@code mdat} per
     * frame, each top-level {@code mdat} is one sample of 4-byte-length-prefixed NAL units.
     */
    private static List<List<Integer>> sampleNalTypes(byte[] file) {
        List<List<Integer>> samples = new ArrayList<>();
        int at = 0;
        while (at + 8 <= file.length) {
            int size = ByteBuffer.wrap(file, at, 4).getInt();
            assertThat(size).as("box size at byte %d", at).isBetween(8, file.length - at);
            if (new String(file, at + 4, 4, StandardCharsets.ISO_8859_1).equals("mdat")) {
                List<Integer> types = new ArrayList<>();
                int unit = at + 8;
                while (unit < at + size) {
                    int length = ByteBuffer.wrap(file, unit, 4).getInt();
                    assertThat(length).as("NAL unit length at byte %d", unit).isBetween(2, at + size - unit - 4);
                    types.add(file[unit + 4] >> 1 & 0x3f);
                    unit += 4 + length;
                }
                samples.add(types);
            }
            at += size;
        }
        return samples;
    }

    /** ffprobe's {@code -show_streams} of the first video stream, key by key. */
    private static Map<String, String> ffprobe(Path file) throws IOException, InterruptedException {
        String out = run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams", "-of",
                "default=noprint_wrappers=1", file.toString()));
        Map<String, String> fields = new LinkedHashMap<>();
        out.lines().map(line -> line.split("=", 2)).filter(kv -> kv.length == 2)
                .forEach(kv -> fields.putIfAbsent(kv[0], kv[1]));
        return fields;
    }

    /** Frames ffmpeg decodes from the file, failing on any decoding error ({@code -xerror}). */
    private static int decodedFrames(Path file) throws IOException, InterruptedException {
        String out = run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-xerror", "-i",
                file.toString(), "-f", "framemd5", "-"));
        return (int) out.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).count();
    }

    /** Runs a command; its standard output, or a failure with both outputs when it exits non-zero or logs an error. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).start();
        byte[][] stderr = new byte[1][];
        Thread errors = new Thread(() -> {
            try {
                stderr[0] = process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                stderr[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        errors.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        errors.join();
        String err = new String(stderr[0], StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s exit code; stderr:%n%s", command, err).isZero();
        assertThat(err).as("%s stderr", command).isBlank();
        return out;
    }
}
