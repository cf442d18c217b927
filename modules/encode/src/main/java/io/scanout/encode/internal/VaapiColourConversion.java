package io.scanout.encode.internal;

import static io.scanout.encode.internal.FfmpegErrors.check;
import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_hw_frames_ctx;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_parameters_set;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_init_str;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_RGB;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_VAAPI;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_free;

import io.scanout.encode.EncodeException;
import io.scanout.encode.YuvColour;
import org.bytedeco.ffmpeg.avfilter.AVBufferSrcParameters;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * RGB surfaces to the NV12 surfaces VAAPI's encoders take, on the GPU: FFmpeg's {@code scale_vaapi}
 * (the driver's video processing) in a filter graph {@code buffer → scale_vaapi → buffersink}, as
 * {@code ffmpeg -vf scale_vaapi=format=nv12} runs it. An RGB dma-buf imported as a surface
 * ({@link HardwareFrames#map}) goes in, an NV12 surface from the filter's own pool on the same device
 * comes out, and no pixel touches the CPU. The output is in the stream's {@link YuvColour}, as the CPU path's.
 *
 * <p>Owns the graph, which owns its three filters, their links and the output surfaces' frames
 * context; {@link #close()} frees it once. The encoder's thread only.
 */
final class VaapiColourConversion implements AutoCloseable {
    /**
     * What scale_vaapi is asked: NV12 in the colours the encoder writes into the stream's VUI
     * ({@link ColourTags}) — the matrix and range of {@code colour}, BT.709 primaries and transfer.
     */
    static String filterArguments(YuvColour colour) {
        return "format=nv12:out_color_matrix=" + (colour.bt601() ? "smpte170m" : "bt709")
                + ":out_range=" + (colour.fullRange() ? "pc" : "tv")
                + ":out_color_primaries=bt709:out_color_transfer=bt709";
    }

    private final String description;
    private AVFilterGraph graph;
    private final AVFilterContext source;
    private final AVFilterContext sink;

    /**
     * A graph taking surfaces of {@code input} (RGB, importing dma-bufs) at their size.
     *
     * @throws EncoderUnavailableException {@code OPEN_FAILED} naming the call when the filter does
     *                                     not configure on this device (no video processing for the format)
     */
    VaapiColourConversion(HardwareFrames input, int width, int height, int timeBaseDenominator, YuvColour colour) {
        this.description = "scale_vaapi from " + input + " to NV12";
        graph = avfilter_graph_alloc();
        if (graph == null) {
            throw new EncodeException("avfilter_graph_alloc failed (out of memory)");
        }
        try {
            source = filter("buffer", "in");
            AVBufferSrcParameters parameters = av_buffersrc_parameters_alloc();
            if (parameters == null) {
                throw new EncodeException("av_buffersrc_parameters_alloc failed (out of memory)");
            }
            AVBufferRef frames = input.newReference();
            try (AVRational timeBase = new AVRational().num(1).den(timeBaseDenominator)) {
                parameters.format(AV_PIX_FMT_VAAPI).width(width).height(height).time_base(timeBase)
                        .color_space(AVCOL_SPC_RGB).color_range(AVCOL_RANGE_JPEG).hw_frames_ctx(frames);
                // The source takes its own reference to the frames context.
                check(av_buffersrc_parameters_set(source, parameters), "av_buffersrc_parameters_set",
                        "cannot describe " + input + " to the filter graph");
            } finally {
                av_free(parameters);
                av_buffer_unref(frames);
            }
            check(avfilter_init_str(source, (String) null), "avfilter_init_str", "cannot start the buffer source");
            AVFilterContext scale = filter("scale_vaapi", "convert");
            String arguments = filterArguments(colour);
            check(avfilter_init_str(scale, arguments), "avfilter_init_str", "cannot set scale_vaapi to " + arguments);
            sink = filter("buffersink", "out");
            check(avfilter_init_str(sink, (String) null), "avfilter_init_str", "cannot start the buffer sink");
            check(avfilter_link(source, 0, scale, 0), "avfilter_link", "cannot link the buffer source to scale_vaapi");
            check(avfilter_link(scale, 0, sink, 0), "avfilter_link", "cannot link scale_vaapi to the buffer sink");
            int configured = avfilter_graph_config(graph, null);
            if (configured < 0) {
                throw new EncoderUnavailableException(EncoderUnavailableException.Reason.OPEN_FAILED,
                        "cannot convert " + input + " to NV12 on the GPU ("
                                + FfmpegErrors.describe("avfilter_graph_config", configured) + ")");
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private AVFilterContext filter(String name, String label) {
        AVFilterContext context = avfilter_graph_alloc_filter(graph, avfilter_get_by_name(name), label);
        if (context == null) {
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.NOT_BUILT,
                    "the " + name + " filter is not in this FFmpeg build");
        }
        return context;
    }

    /** A new reference to the NV12 surfaces' frames context, for {@code AVCodecContext.hw_frames_ctx}. */
    AVBufferRef newOutputFramesReference() {
        AVBufferRef frames = av_buffersink_get_hw_frames_ctx(sink);
        AVBufferRef copy = frames == null ? null : av_buffer_ref(frames);
        if (copy == null) {
            throw new EncodeException(description + " has no output frames context");
        }
        return copy;
    }

    /**
     * Converts one surface: {@code input} (a mapped RGB surface; the graph takes its own reference)
     * goes in, {@code output} (unreferenced) receives the NV12 surface, which the caller unrefs
     * after encoding it.
     */
    void convert(AVFrame input, AVFrame output) {
        input.colorspace(AVCOL_SPC_RGB).color_range(AVCOL_RANGE_JPEG);
        check(av_buffersrc_add_frame_flags(source, input, AV_BUFFERSRC_FLAG_KEEP_REF), "av_buffersrc_add_frame_flags",
                "cannot hand a surface to " + description);
        check(av_buffersink_get_frame(sink, output), "av_buffersink_get_frame",
                "cannot take a converted surface from " + description);
    }

    /** Frees the graph and everything in it; idempotent. */
    @Override
    public void close() {
        if (graph != null) {
            avfilter_graph_free(graph);
            graph = null;
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
