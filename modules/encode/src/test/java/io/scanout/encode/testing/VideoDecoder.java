package io.scanout.encode.testing;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_ITU709;
import static org.bytedeco.ffmpeg.global.swscale.SWS_POINT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

import io.scanout.core.Codec;
import io.scanout.encode.internal.FfmpegErrors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.ffmpeg.swscale.SwsFilter;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * An FFmpeg decoder independent of the encoders under test, for tests here and in the server's
 * end-to-end tests: packets in, RGB pictures out (BT.709 limited range to full-range RGB24, chroma
 * taken per 2×2 block as the encoder got it). {@link #forCodec} picks FFmpeg's own decoders — {@code
 * h264}, {@code hevc}, {@code vp8}, {@code vp9} — and for AV1 {@code libaom-av1} (FFmpeg's native
 * {@code av1} decoder needs a hardware accelerator; libdav1d is not in the JavaCPP build).
 *
 * <p>Counts what went wrong instead of throwing, so a test can assert that a stream decodes
 * cleanly — or, as a control, that it does not: {@link #errors()}. One thread at a time.
 */
public class VideoDecoder implements AutoCloseable {
    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame frame;
    private SwsContext scaler;
    private int scalerWidth;
    private int scalerHeight;
    private int scalerFormat;
    private BytePointer rgb;
    private PointerPointer<BytePointer> rgbPlanes;
    private IntPointer rgbStrides;
    private int errors;
    private boolean closed;

    private final String name;

    /** FFmpeg's decoder called {@code name}, e.g. {@code vp9}. */
    public VideoDecoder(String name) {
        this(name, null);
    }

    /**
     * FFmpeg's decoder called {@code name}, given out-of-band configuration as MP4 carries it, e.g.
     * an {@code avcC} record for {@code h264}: then it takes length-prefixed packets, not Annex B.
     */
    public VideoDecoder(String name, byte[] extradata) {
        this.name = name;
        AVCodec codec = avcodec_find_decoder_by_name(name);
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg build has no " + name + " decoder");
        }
        context = avcodec_alloc_context3(codec);
        // One thread: frame threading would hold pictures back and make counts depend on timing.
        context.thread_count(1);
        if (extradata != null) {
            // The context frees it (av_free) with itself; FFmpeg wants zeroed padding after it.
            BytePointer copy = new BytePointer(av_mallocz(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE));
            copy.capacity(extradata.length).put(extradata, 0, extradata.length);
            context.extradata(copy).extradata_size(extradata.length);
        }
        int opened = avcodec_open2(context, codec, (AVDictionary) null);
        if (opened < 0) {
            avcodec_free_context(context);
            throw new IllegalStateException("cannot open the " + name + " decoder ("
                    + FfmpegErrors.describe("avcodec_open2", opened) + ")");
        }
        packet = av_packet_alloc();
        frame = av_frame_alloc();
    }

    /** The decoder these tests use for {@code codec}. */
    public static VideoDecoder forCodec(Codec codec) {
        return new VideoDecoder(decoderName(codec));
    }

    /** FFmpeg's name of the decoder {@link #forCodec} opens. */
    public static String decoderName(Codec codec) {
        return switch (codec) {
            case H264 -> "h264";
            case HEVC -> "hevc";
            case VP8 -> "vp8";
            case VP9 -> "vp9";
            case AV1 -> "libaom-av1";
        };
    }

    /** FFmpeg's name of this decoder. */
    public String name() {
        return name;
    }

    /** Decodes one packet (Annex B for H.264 and HEVC) and returns the pictures it completed, usually one. */
    public List<DecodedPicture> decode(byte[] annexBPacket) {
        return decode(annexBPacket, AV_NOPTS_VALUE);
    }

    /** Like {@link #decode(byte[])}, with a pts that comes back in {@link DecodedPicture#pts()}. */
    public List<DecodedPicture> decode(byte[] annexBPacket, long pts) {
        if (av_new_packet(packet, annexBPacket.length) < 0) {
            throw new IllegalStateException("av_new_packet of " + annexBPacket.length + " B failed");
        }
        packet.data().put(annexBPacket, 0, annexBPacket.length);
        packet.pts(pts);
        int sent = avcodec_send_packet(context, packet);
        av_packet_unref(packet);
        if (sent < 0) {
            errors++;
        }
        return receive();
    }

    /** Returns the pictures the decoder still holds, and makes it ready for a new stream. */
    public List<DecodedPicture> flush() {
        avcodec_send_packet(context, (AVPacket) null);
        List<DecodedPicture> pictures = receive();
        avcodec_flush_buffers(context);
        return pictures;
    }

    /** Packets refused plus pictures flagged corrupt, since this decoder was made. */
    public int errors() {
        return errors;
    }

    /** The profile as the decoder read it (for H.264 {@code profile_idc}, constraint bits may be or'ed in above bit 8). */
    public int profile() {
        return context.profile();
    }

    /** The level as the decoder read it ({@code level_idc} for H.264 and HEVC), or -99 when it does not say. */
    public int level() {
        return context.level();
    }

    private List<DecodedPicture> receive() {
        List<DecodedPicture> pictures = new ArrayList<>(1);
        while (true) {
            int got = avcodec_receive_frame(context, frame);
            if (got == FfmpegErrors.AVERROR_EAGAIN || got == AVERROR_EOF) {
                return pictures;
            }
            if (got < 0) {
                errors++;
                return pictures;
            }
            try {
                // AV_FRAME_FLAG_CORRUPT is 1 << 0 in libavutil/frame.h.
                boolean corrupt = frame.decode_error_flags() != 0 || (frame.flags() & 1) != 0;
                if (corrupt) {
                    errors++;
                }
                pictures.add(toRgb(corrupt));
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    private DecodedPicture toRgb(boolean corrupt) {
        int width = frame.width();
        int height = frame.height();
        if (scaler == null || width != scalerWidth || height != scalerHeight || frame.format() != scalerFormat) {
            freeScaler();
            // Point sampling: each pixel takes the chroma of its 2x2 block, exactly what YuvFrames wrote.
            scaler = sws_getContext(width, height, frame.format(), width, height, AV_PIX_FMT_RGB24,
                    SWS_POINT | SWS_ACCURATE_RND, (SwsFilter) null, (SwsFilter) null, (DoublePointer) null);
            if (scaler == null) {
                throw new IllegalStateException("sws_getContext failed for " + width + "x" + height);
            }
            IntPointer bt709 = sws_getCoefficients(SWS_CS_ITU709);
            sws_setColorspaceDetails(scaler, bt709, 0, bt709, 1, 0, 1 << 16, 1 << 16);
            scalerWidth = width;
            scalerHeight = height;
            scalerFormat = frame.format();
            rgb = new BytePointer((long) width * height * 3);
            rgbPlanes = new PointerPointer<>(rgb, null, null, null);
            rgbStrides = new IntPointer(width * 3, 0, 0, 0);
        }
        sws_scale(scaler, frame.data(), frame.linesize(), 0, height, rgbPlanes, rgbStrides);
        byte[] pixels = new byte[width * height * 3];
        rgb.get(pixels, 0, pixels.length);
        return new DecodedPicture(width, height, pixels, frame.pts(), corrupt);
    }

    private void freeScaler() {
        if (scaler != null) {
            sws_freeContext(scaler);
            scaler = null;
            rgb.close();
            rgbPlanes.close();
            rgbStrides.close();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            freeScaler();
            av_frame_free(frame);
            av_packet_free(packet);
            avcodec_free_context(context);
        }
    }
}
