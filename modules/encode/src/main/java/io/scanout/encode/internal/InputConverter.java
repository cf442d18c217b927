package io.scanout.encode.internal;

import static io.scanout.encode.internal.FfmpegErrors.check;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_copy_props;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.swscale.SWS_POINT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.scanout.encode.EncodeException;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.ffmpeg.swscale.SwsFilter;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Repacks frames between two 4:2:0 layouts of the same size — NV12 (interleaved chroma) and I420
 * (planar), or P010 (10 bits in the high bits of 16, interleaved chroma) and {@code yuv420p10le}
 * (10 bits in the low bits, planar) — with libswscale, for an encoder that takes the other one than
 * the stage was set up for (a fallback from NV12-taking hardware to libvpx, say; libx265 and SVT-AV1
 * at 10 bits). Same size, subsampling and depth: no sample is interpolated, only moved.
 *
 * <p>Owns a scaler context and one output frame, freed in {@link #close()}. Encoder thread only.
 */
final class InputConverter implements AutoCloseable {
    private final NativeChain natives = new NativeChain();
    private final SwsContext scaler;
    private final AVFrame output;
    private final int height;

    InputConverter(int fromFormat, int toFormat, int width, int height) {
        this.height = height;
        try {
            scaler = natives.add("scaler", sws_getContext(width, height, fromFormat, width, height, toFormat,
                    SWS_POINT, (SwsFilter) null, (SwsFilter) null, (DoublePointer) null), s -> sws_freeContext(s));
            if (scaler == null) {
                throw new EncodeException("sws_getContext failed for " + HardwareFrames.pixelFormatName(fromFormat)
                        + " to " + HardwareFrames.pixelFormatName(toFormat) + " at " + width + "x" + height);
            }
            output = natives.add("converted frame", av_frame_alloc(), f -> av_frame_free(f));
            if (output == null) {
                throw new EncodeException("cannot allocate an AVFrame (out of memory)");
            }
            output.format(toFormat).width(width).height(height);
            check(av_frame_get_buffer(output, 0), "av_frame_get_buffer",
                    "cannot allocate a " + width + "x" + height + " frame to convert into");
        } catch (RuntimeException | Error e) {
            natives.close();
            throw e;
        }
    }

    /**
     * Converts {@code source} and returns the converted frame with its properties (pts, picture type).
     * Valid until the next call; the encoder takes its own reference when it is sent.
     */
    AVFrame convert(AVFrame source) {
        // The encoder may still hold the previous picture: this gives us a buffer of our own if so.
        check(av_frame_make_writable(output), "av_frame_make_writable", "cannot get a frame to convert into");
        sws_scale(scaler, source.data(), source.linesize(), 0, height, output.data(), output.linesize());
        check(av_frame_copy_props(output, source), "av_frame_copy_props", "cannot copy frame properties");
        return output;
    }

    @Override
    public void close() {
        natives.close();
    }
}
