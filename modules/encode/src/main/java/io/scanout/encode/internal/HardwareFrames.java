package io.scanout.encode.internal;

import static io.scanout.encode.internal.FfmpegErrors.check;
import static org.bytedeco.ffmpeg.global.avutil.AV_HWFRAME_MAP_READ;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_copy_props;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_ctx_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_ctx_init;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_map;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_transfer_data;

import io.scanout.encode.EncodeException;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVHWFramesContext;
import org.bytedeco.javacpp.BytePointer;

/**
 * A frames context ({@code AVHWFramesContext}) on a hardware device: surfaces of one size and
 * software format in GPU memory, the kind a hardware encoder takes. CPU frames get there by
 * {@link #upload} ({@code av_hwframe_transfer_data}), dma-bufs by {@link #map} ({@code av_hwframe_map},
 * no copy).
 *
 * <p>Owns one reference to the frames context, dropped in {@link #close()}; a codec context given the
 * frames takes its own. Used by the encoder's thread only.
 */
public final class HardwareFrames implements AutoCloseable {
    private final HardwareDevice device;
    private final int softwareFormat;
    private final int width;
    private final int height;
    private AVBufferRef ref;

    /**
     * Allocates and initialises surfaces of {@code softwareFormat} ({@code AVPixelFormat}) at this size.
     *
     * @throws EncoderUnavailableException {@code OPEN_FAILED} naming the call and error when the device
     *                                     has no such surfaces
     */
    public HardwareFrames(HardwareDevice device, int softwareFormat, int width, int height) {
        this.device = device;
        this.softwareFormat = softwareFormat;
        this.width = width;
        this.height = height;
        AVBufferRef frames = av_hwframe_ctx_alloc(device.ref());
        if (frames == null) {
            throw new EncodeException("av_hwframe_ctx_alloc failed on " + device + " (out of memory)");
        }
        AVHWFramesContext context = new AVHWFramesContext(frames.data());
        context.format(device.type().pixelFormat()).sw_format(softwareFormat).width(width).height(height)
                .initial_pool_size(device.type().framePoolSize());
        int initialised = av_hwframe_ctx_init(frames);
        if (initialised < 0) {
            av_buffer_unref(frames);
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.OPEN_FAILED,
                    "cannot make " + pixelFormatName(softwareFormat) + " " + width + "x" + height + " surfaces on "
                            + device + " (" + FfmpegErrors.describe("av_hwframe_ctx_init", initialised) + ")");
        }
        ref = frames;
    }

    /** A new reference to the frames context, for {@code AVCodecContext.hw_frames_ctx}; the taker owns it. */
    public AVBufferRef newReference() {
        checkOpen();
        AVBufferRef copy = av_buffer_ref(ref);
        if (copy == null) {
            throw new EncodeException("av_buffer_ref of a frames context failed (out of memory)");
        }
        return copy;
    }

    /**
     * Copies a CPU frame into a new surface: {@code target} (unreferenced) gets the surface, the
     * pixels and {@code source}'s properties (pts, picture type, flags, colour). The caller unrefs
     * {@code target} after use.
     */
    public void upload(AVFrame source, AVFrame target) {
        checkOpen();
        check(av_hwframe_get_buffer(ref, target, 0), "av_hwframe_get_buffer",
                "cannot take a surface from " + device);
        check(av_hwframe_transfer_data(target, source, 0), "av_hwframe_transfer_data",
                "cannot upload a " + pixelFormatName(softwareFormat) + " " + width + "x" + height + " frame to "
                        + device);
        check(av_frame_copy_props(target, source), "av_frame_copy_props", "cannot copy frame properties");
    }

    /**
     * Maps a {@code AV_PIX_FMT_DRM_PRIME} frame onto a surface of this context without copying:
     * {@code target} (unreferenced) becomes a surface importing the dma-buf, and keeps a reference to
     * {@code source} until it is unreffed (so the dma-buf stays alive while the encoder reads it).
     */
    public void map(AVFrame source, AVFrame target) {
        checkOpen();
        target.format(device.type().pixelFormat());
        target.hw_frames_ctx(newReference());
        check(av_hwframe_map(target, source, AV_HWFRAME_MAP_READ), "av_hwframe_map",
                "cannot import a dma-buf into a " + device.type() + " surface on " + device);
        check(av_frame_copy_props(target, source), "av_frame_copy_props", "cannot copy frame properties");
    }

    private void checkOpen() {
        if (ref == null) {
            throw new IllegalStateException("frames context on " + device + " is closed");
        }
    }

    /** Drops this object's reference; idempotent. */
    @Override
    public void close() {
        if (ref != null) {
            av_buffer_unref(ref);
            ref = null;
        }
    }

    static String pixelFormatName(int format) {
        BytePointer name = av_get_pix_fmt_name(format);
        return name == null ? "pixel format " + format : name.getString();
    }

    @Override
    public String toString() {
        return pixelFormatName(softwareFormat) + " " + width + "x" + height + " surfaces on " + device;
    }
}
