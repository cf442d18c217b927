package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.scanout.core.Codec;
import io.scanout.core.Damage;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.core.nativeio.LibC;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.FrameLeaks;
import io.scanout.encode.testing.Psnr;
import io.scanout.encode.testing.RgbImage;
import io.scanout.encode.testing.VideoDecoder;
import io.scanout.encode.testing.YuvFrames;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Hardware encoders on the GPU this host has: VAAPI from CPU frames (uploaded) and from dma-bufs
 * (imported without a copy), NVENC, QSV and Vulkan video from CPU frames. Each test runs only where its device exists and
 * opens, and says why it is skipped otherwise; hosts without a GPU still check, elsewhere, that every
 * hardware path fails cleanly with a reason and falls back.
 */
class HardwareEncodeTest {
    private static final Logger LOG = LoggerFactory.getLogger(HardwareEncodeTest.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The kernel's system dma-buf heap: dma-bufs without a GPU driver's help. */
    private static final String SYSTEM_HEAP = "/dev/dma_heap/system";
    /** {@code DMA_HEAP_IOCTL_ALLOC}: {@code _IOWR('H', 0, struct dma_heap_allocation_data)} (24 bytes). */
    private static final long DMA_HEAP_IOCTL_ALLOC = 0xC0184800L;
    /** {@code DMA_BUF_IOCTL_SYNC}: {@code _IOW('b', 0, struct dma_buf_sync)} (8 bytes). */
    private static final long DMA_BUF_IOCTL_SYNC = 0x40086200L;
    private static final long DMA_BUF_SYNC_WRITE = 2;
    private static final long DMA_BUF_SYNC_END = 4;

    private final FramePool pool = new FramePool();

    @AfterEach
    void nothingLeaks() throws InterruptedException {
        FrameLeaks.assertNoneHeldThenClose(pool);
    }

    /** Skips, saying why, unless {@code name} opens here at 320x240. */
    private static void assumeOpens(EncoderSettings settings, String name) {
        List<ProbeResult> probe = EncoderProbe.probe(settings, 320, 240);
        LOG.info("render nodes {}; probe: {}", EncoderProbe.renderNodes(), probe);
        ProbeResult result = probe.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
        Assumptions.assumeTrue(result.opens(), name + " does not open on this host: " + result.reason());
    }

    private static List<DecodedPicture> decode(Codec codec, List<EncodedPacket> packets) {
        try (VideoDecoder decoder = VideoDecoder.forCodec(codec)) {
            List<DecodedPicture> pictures = new ArrayList<>();
            for (EncodedPacket p : packets) {
                pictures.addAll(decoder.decode(p.bytes(), p.sequence()));
            }
            pictures.addAll(decoder.flush());
            assertThat(decoder.errors()).isZero();
            return pictures;
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({"vaapi, h264_vaapi, h264", "vaapi, hevc_vaapi, hevc", "vaapi, av1_vaapi, av1",
        "nvenc, h264_nvenc, h264", "qsv, h264_qsv, h264", "vulkan, h264_vulkan, h264", "vulkan, hevc_vulkan, hevc"})
    void hardwareEncodesUploadedCpuFramesThatDecodeCloseToTheSource(String choice, String name, String codec) {
        EncoderSettings settings = EncoderSettings.builder().encoder(EncoderChoice.parse(choice))
                .codec(Codec.parse(codec)).build();
        assumeOpens(settings, name);
        EncodeVideo encode = EncodeVideo.create(settings, StreamMeters.noop());
        assertThat(encode.encoderName()).isEqualTo(name);
        Flux<FrameEvent> frames = Flux.range(0, 30).map(i -> {
            if (i == 15) {
                encode.requestKeyframe();
            }
            return TestStreams.event(pool, encode.inputFormat(), 320, 240, i, i == 0);
        });
        // block() waits on a latch; StepVerifier's wait would spin a core the encoder needs on small hosts.
        List<EncodedPacket> packets = frames.transform(encode).collectList().block(TIMEOUT);

        assertThat(packets).hasSize(30);
        assertThat(packets.get(0).keyframe()).isTrue();
        assertThat(packets.get(15).keyframe()).isTrue();
        List<DecodedPicture> pictures = decode(Codec.parse(codec), packets);
        assertThat(pictures).hasSize(30);
        for (DecodedPicture picture : pictures) {
            assertThat(Psnr.of(TestStreams.picture(320, 240, (int) picture.pts()), picture)).isGreaterThan(35);
        }
    }

    @Test
    void vaapiImportsNv12DmaBufsWithoutACopy() {
        encodesDmaBufsThatDecodeCloseToTheSource(DrmFormat.NV12, image -> YuvFrames.draw(pool, DrmFormat.NV12, image));
    }

    /** A vGPU's usual scanout: XR24 dma-bufs, converted to NV12 by the GPU's video processing (scale_vaapi). */
    @Test
    void vaapiConvertsXr24DmaBufsOnTheGpuAndEncodesThem() {
        encodesDmaBufsThatDecodeCloseToTheSource(DrmFormat.XR24, this::xr24);
    }

    /** Ten dma-bufs of {@code format}, each drawn by {@code draw} on the CPU, through h264_vaapi. */
    private void encodesDmaBufsThatDecodeCloseToTheSource(DrmFormat format, Function<RgbImage, Frame> draw) {
        Assumptions.assumeTrue(Files.isWritable(Path.of(SYSTEM_HEAP)),
                "no writable " + SYSTEM_HEAP + " to make dma-bufs with (Linux 5.6+, CONFIG_DMABUF_HEAPS_SYSTEM)");
        EncoderSettings settings = EncoderSettings.builder().encoder(EncoderChoice.VAAPI).build();
        assumeOpens(settings, "h264_vaapi");
        EncodeVideo encode = EncodeVideo.create(settings, StreamMeters.noop());
        assertThat(encode.dmaBufFormats()).contains(format);

        Flux<FrameEvent> frames = Flux.range(0, 10).map(i -> {
            Frame frame = dmaBufFrame(draw.apply(TestStreams.picture(320, 240, i)));
            return new FrameEvent(frame, Damage.whole(), i, TestStreams.START_NANOS + i * TestStreams.FRAME_NANOS,
                    i == 0 ? Optional.of(frame.videoFormat()) : Optional.empty());
        });
        // block() waits on a latch; StepVerifier's wait would spin a core the encoder needs on small hosts.
        List<EncodedPacket> packets = frames.transform(encode).collectList().block(TIMEOUT);

        assertThat(packets).hasSize(10);
        List<DecodedPicture> pictures = decode(Codec.H264, packets);
        assertThat(pictures).hasSize(10);
        for (DecodedPicture picture : pictures) {
            assertThat(Psnr.of(TestStreams.picture(320, 240, (int) picture.pts()), picture)).isGreaterThan(35);
        }
    }

    /** {@code image} as XR24 in a new pool frame: little-endian words 0x00RRGGBB. */
    private Frame xr24(RgbImage image) {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, image.width(), image.height()));
        ByteBuffer pixels = frame.buffer();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                pixels.putInt((int) frame.layout().offset(0) + y * frame.layout().stride(0) + 4 * x, image.rgb(x, y));
            }
        }
        return frame;
    }

    /** A dma-buf from the system heap holding {@code cpu}'s pixels (released here), in a frame of its own. */
    private static Frame dmaBufFrame(Frame cpu) {
        try {
            PlaneLayout layout = cpu.layout();
            long size = layout.requiredBytes();
            int heap = LibC.open(SYSTEM_HEAP, LibC.O_RDWR | LibC.O_CLOEXEC);
            int fd;
            try (Memory request = new Memory(24)) {
                request.clear();
                request.setLong(0, size);
                request.setInt(12, LibC.O_RDWR | LibC.O_CLOEXEC);
                LibC.ioctl(heap, new NativeLong(DMA_HEAP_IOCTL_ALLOC), request);
                fd = request.getInt(8);
            } finally {
                LibC.close(heap);
            }
            Pointer mapped = LibC.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
            try (Memory sync = new Memory(8)) {
                sync.setLong(0, DMA_BUF_SYNC_WRITE);
                LibC.ioctl(fd, new NativeLong(DMA_BUF_IOCTL_SYNC), sync);
                ByteBuffer pixels = cpu.buffer();
                byte[] bytes = new byte[(int) size];
                pixels.get(0, bytes);
                mapped.write(0, bytes, 0, bytes.length);
                sync.setLong(0, DMA_BUF_SYNC_WRITE | DMA_BUF_SYNC_END);
                LibC.ioctl(fd, new NativeLong(DMA_BUF_IOCTL_SYNC), sync);
            } finally {
                LibC.munmap(mapped, size);
            }
            return Frame.wrap(new DmaBuf(fd, size, DmaBuf.MODIFIER_LINEAR, layout));
        } finally {
            cpu.release();
        }
    }
}
