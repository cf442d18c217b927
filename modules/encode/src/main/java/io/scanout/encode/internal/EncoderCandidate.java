package io.scanout.encode.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_CONFIG_PIX_FORMAT;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_supported_config;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR0;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGRA;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_P010LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB0;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGBA;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;

import io.scanout.core.Codec;
import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncodeException;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Every FFmpeg encoder Scanout can use, in rank order within each codec: hardware first (VAAPI,
 * NVENC, QSV, Vulkan), then software. FFmpeg 8.1 has no AV1 Vulkan or AV1 QSV encoder in the bundled
 * build (no {@code av1_vulkan}, no {@code av1_qsv}), so AV1 hardware is VAAPI and NVENC. Each says its codec, the hardware it needs, the one CPU format it
 * takes, and — for VAAPI — the dma-buf formats it imports without a copy. The private options that
 * make each fit for remote display are in {@link EncoderOptions}.
 */
public enum EncoderCandidate {
    H264_VAAPI("h264_vaapi", Codec.H264, HardwareType.VAAPI, DrmFormat.NV12, AV_PIX_FMT_NV12),
    H264_NVENC("h264_nvenc", Codec.H264, HardwareType.CUDA, DrmFormat.NV12, AV_PIX_FMT_NV12),
    H264_QSV("h264_qsv", Codec.H264, HardwareType.QSV, DrmFormat.NV12, AV_PIX_FMT_NV12),
    H264_VULKAN("h264_vulkan", Codec.H264, HardwareType.VULKAN, DrmFormat.NV12, AV_PIX_FMT_NV12),
    /** x264 in ultrafast/zerolatency: one packet per frame, no lookahead; takes NV12 as the convert stage makes it. */
    X264("libx264", Codec.H264, null, DrmFormat.NV12, AV_PIX_FMT_NV12),
    /** Cisco's OpenH264, for FFmpeg builds without libx264 (LGPL); takes planar I420 only. */
    OPENH264("libopenh264", Codec.H264, null, DrmFormat.YU12, AV_PIX_FMT_YUV420P),

    HEVC_VAAPI("hevc_vaapi", Codec.HEVC, HardwareType.VAAPI, DrmFormat.NV12, AV_PIX_FMT_NV12),
    HEVC_NVENC("hevc_nvenc", Codec.HEVC, HardwareType.CUDA, DrmFormat.NV12, AV_PIX_FMT_NV12),
    HEVC_QSV("hevc_qsv", Codec.HEVC, HardwareType.QSV, DrmFormat.NV12, AV_PIX_FMT_NV12),
    HEVC_VULKAN("hevc_vulkan", Codec.HEVC, HardwareType.VULKAN, DrmFormat.NV12, AV_PIX_FMT_NV12),
    /** x265 in ultrafast/zerolatency, parameter sets repeated in every keyframe. */
    X265("libx265", Codec.HEVC, null, DrmFormat.YU12, AV_PIX_FMT_YUV420P),

    VP8_VAAPI("vp8_vaapi", Codec.VP8, HardwareType.VAAPI, DrmFormat.NV12, AV_PIX_FMT_NV12),
    /** libvpx VP8 with the realtime deadline and no frame lag. */
    VPX_VP8("libvpx", Codec.VP8, null, DrmFormat.YU12, AV_PIX_FMT_YUV420P),

    VP9_VAAPI("vp9_vaapi", Codec.VP9, HardwareType.VAAPI, DrmFormat.NV12, AV_PIX_FMT_NV12),
    VP9_QSV("vp9_qsv", Codec.VP9, HardwareType.QSV, DrmFormat.NV12, AV_PIX_FMT_NV12),
    /** libvpx VP9 with the realtime deadline, no frame lag, row multithreading. */
    VPX_VP9("libvpx-vp9", Codec.VP9, null, DrmFormat.YU12, AV_PIX_FMT_YUV420P),

    AV1_VAAPI("av1_vaapi", Codec.AV1, HardwareType.VAAPI, DrmFormat.NV12, AV_PIX_FMT_NV12),
    AV1_NVENC("av1_nvenc", Codec.AV1, HardwareType.CUDA, DrmFormat.NV12, AV_PIX_FMT_NV12),
    /** SVT-AV1 with a fast real-time preset and the low-delay prediction structure. */
    SVT_AV1("libsvtav1", Codec.AV1, null, DrmFormat.YU12, AV_PIX_FMT_YUV420P);

    /** CPU formats any encoder here takes, converting between them when it needs the other ({@link InputConverter}). */
    private static final Set<DrmFormat> CONVERTIBLE = EnumSet.of(DrmFormat.NV12, DrmFormat.YU12);
    /** What VAAPI imports from a dma-buf and encodes as it is: 4:2:0 with interleaved chroma. */
    private static final Set<DrmFormat> VAAPI_DMA_BUF = EnumSet.of(DrmFormat.NV12, DrmFormat.P010, DrmFormat.XR24,
            DrmFormat.AR24, DrmFormat.XB24, DrmFormat.AB24);

    private final String ffmpegName;
    private final Codec codec;
    private final HardwareType hardware;
    private final DrmFormat inputFormat;
    private final int pixelFormat;

    EncoderCandidate(String ffmpegName, Codec codec, HardwareType hardware, DrmFormat inputFormat, int pixelFormat) {
        this.ffmpegName = ffmpegName;
        this.codec = codec;
        this.hardware = hardware;
        this.inputFormat = inputFormat;
        this.pixelFormat = pixelFormat;
    }

    /** FFmpeg's name for it, e.g. {@code libx264}. */
    public String ffmpegName() {
        return ffmpegName;
    }

    public Codec codec() {
        return codec;
    }

    public EncoderKind kind() {
        return hardware == null ? EncoderKind.SOFTWARE : EncoderKind.HARDWARE;
    }

    /** The hardware it runs on; {@code null} for a software encoder. */
    public HardwareType hardware() {
        return hardware;
    }

    /** The format its CPU frames must have (hardware encoders upload NV12). */
    public DrmFormat inputFormat() {
        return inputFormat;
    }

    /** {@link #inputFormat()} as FFmpeg's {@code AVPixelFormat}. */
    public int pixelFormat() {
        return pixelFormat;
    }

    /**
     * The least width and height it encodes, checked before FFmpeg is asked: OpenH264 opens smaller
     * pictures and then fails on the first frame; x265 refuses them at open but keeps about a kilobyte
     * of each refusal (FFmpeg 8.1's wrapper). Both need 16 each way. Others refuse smaller sizes
     * cleanly when they open.
     */
    public int minimumDimension() {
        return this == OPENH264 || this == X265 ? 16 : 2;
    }

    /**
     * The FFmpeg pixel format it is opened with for P010 frames — 10 bits per sample: P010 for
     * hardware (VAAPI, NVENC, QSV and Vulkan upload or import it), planar {@code yuv420p10le} for
     * the software encoders, which {@link InputConverter} repacks P010 into;
     * {@code AV_PIX_FMT_NONE} for those with no 10-bit profile (OpenH264, VP8).
     */
    public int tenBitPixelFormat() {
        return switch (this) {
            case OPENH264, VPX_VP8, VP8_VAAPI -> AV_PIX_FMT_NONE;
            case X264, X265, VPX_VP9, SVT_AV1 -> AV_PIX_FMT_YUV420P10LE;
            default -> AV_PIX_FMT_P010LE;
        };
    }

    /**
     * Whether it encodes 10 bits per sample in this FFmpeg build, as the build says
     * ({@code avcodec_get_supported_config}): libx265 and SVT-AV1 do in the bundled GPL build, libvpx
     * there is built without high bit depth. VAAPI and Vulkan list only their surface format, so for
     * them this is the codec having a 10-bit profile; whether the GPU has it shows when the encoder
     * opens, and the next one in rank takes over if it does not.
     */
    public boolean encodesTenBits() {
        int wanted = tenBitPixelFormat();
        if (wanted == AV_PIX_FMT_NONE) {
            return false;
        }
        AVCodec codec = avcodec_find_encoder_by_name(ffmpegName);
        if (codec == null) {
            return false;
        }
        if (hardware == HardwareType.VAAPI || hardware == HardwareType.VULKAN) {
            return true;
        }
        try (PointerPointer<Pointer> list = new PointerPointer<>(1); IntPointer count = new IntPointer(1)) {
            int got = avcodec_get_supported_config(null, codec, AV_CODEC_CONFIG_PIX_FORMAT, 0, list, count);
            if (got < 0 || list.get(0) == null || list.get(0).isNull()) {
                // No list means "any format" to FFmpeg; an encoder here always has one, so take it as no.
                return false;
            }
            IntPointer formats = new IntPointer(list.get(0));
            for (int i = 0; i < count.get(); i++) {
                if (formats.get(i) == wanted) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The FFmpeg pixel format it is opened with for CPU frames of {@code format}: its 10-bit one for
     * P010, else {@link #pixelFormat()}.
     */
    public int pixelFormatFor(DrmFormat format) {
        return format == DrmFormat.P010 ? tenBitPixelFormat() : pixelFormat;
    }

    /** Whether the FFmpeg natives on the class path have this encoder. */
    public boolean isAvailable() {
        return avcodec_find_encoder_by_name(ffmpegName) != null;
    }

    /**
     * The dma-buf formats it imports without a copy: for VAAPI NV12 and P010, and 32-bit RGB, which
     * the GPU converts to NV12 ({@link VaapiColourConversion}); none for the others.
     */
    public Set<DrmFormat> dmaBufFormats() {
        return hardware == HardwareType.VAAPI ? EnumSet.copyOf(VAAPI_DMA_BUF) : EnumSet.noneOf(DrmFormat.class);
    }

    /**
     * Whether CPU frames of {@code format} can go to it: its own format, NV12/YU12 converted on the
     * way, or P010 when it {@link #encodesTenBits() encodes 10 bits}.
     */
    public boolean takes(DrmFormat format) {
        return format == inputFormat || CONVERTIBLE.contains(format) && CONVERTIBLE.contains(inputFormat)
                || format == DrmFormat.P010 && encodesTenBits();
    }

    /** The FFmpeg software pixel format of a dma-buf format it imports. */
    static int dmaBufPixelFormat(DrmFormat format) {
        return switch (format) {
            case NV12 -> AV_PIX_FMT_NV12;
            case P010 -> AV_PIX_FMT_P010LE;
            // Little-endian words 0xXXRRGGBB are the bytes B, G, R, X in memory: FFmpeg's BGR0 (VA's BGRX).
            case XR24 -> AV_PIX_FMT_BGR0;
            case AR24 -> AV_PIX_FMT_BGRA;
            case XB24 -> AV_PIX_FMT_RGB0;
            case AB24 -> AV_PIX_FMT_RGBA;
            default -> throw new IllegalArgumentException("no VAAPI surface imports " + format + " dma-bufs");
        };
    }

    /**
     * Checks that a frame of this format can go to this encoder.
     *
     * @throws EncodeException naming the encoder, what it takes and what it got
     */
    public void checkAccepts(VideoFormat format, boolean dmaBuf) {
        if (dmaBuf) {
            if (!dmaBufFormats().contains(format.format())) {
                throw new EncodeException(ffmpegName + (dmaBufFormats().isEmpty()
                        ? " takes frames in CPU memory, got a dma-buf " + format + " (map it first)"
                        : " imports " + dmaBufFormats() + " dma-bufs, got " + format));
            }
        } else if (!takes(format.format())) {
            throw new EncodeException(ffmpegName + " takes " + inputFormat + " frames, got " + format
                    + " (the convert stage makes " + inputFormat + " for it)");
        }
        if (format.width() % 2 != 0 || format.height() % 2 != 0) {
            throw new EncodeException(ffmpegName + " needs an even width and height for 4:2:0, got " + format
                    + " (the convert stage pads frames to even sizes)");
        }
    }

    /** Whether {@code choice} may use this encoder: AUTO all; a hardware choice its own, then software; the rest just theirs. */
    public boolean servesChoice(EncoderChoice choice) {
        return switch (choice) {
            case AUTO -> true;
            case VAAPI -> hardware == HardwareType.VAAPI || hardware == null;
            case NVENC -> hardware == HardwareType.CUDA || hardware == null;
            case QSV -> hardware == HardwareType.QSV || hardware == null;
            case VULKAN -> hardware == HardwareType.VULKAN || hardware == null;
            case X264 -> this == X264;
            case OPENH264 -> this == OPENH264;
            case X265 -> this == X265;
            case VP8 -> this == VPX_VP8;
            case VP9 -> this == VPX_VP9;
            case AV1 -> this == SVT_AV1;
        };
    }

    /**
     * The encoders a choice may use for a codec, best first, whether or not they are in this build:
     * for a hardware choice its hardware first, then the codec's software encoders.
     */
    public static List<EncoderCandidate> ranked(EncoderChoice choice, Codec codec) {
        choice.checkMakes(codec);
        List<EncoderCandidate> ranked = new ArrayList<>();
        for (EncoderCandidate candidate : values()) {
            if (candidate.codec == codec && candidate.servesChoice(choice)) {
                ranked.add(candidate);
            }
        }
        return List.copyOf(ranked);
    }

    /** The candidate FFmpeg calls {@code name}, e.g. {@code libx264}. */
    public static EncoderCandidate byName(String name) {
        for (EncoderCandidate candidate : values()) {
            if (candidate.ffmpegName.equals(name)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no encoder candidate named '" + name + "'");
    }
}
