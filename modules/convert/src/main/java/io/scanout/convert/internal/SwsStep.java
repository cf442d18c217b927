package io.scanout.convert.internal;

import static org.bytedeco.ffmpeg.global.avutil.AVCHROMA_LOC_LEFT;
import static org.bytedeco.ffmpeg.global.avutil.AVCHROMA_LOC_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_RGB;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_DITHER_NONE;
import static org.bytedeco.ffmpeg.global.swscale.SWS_FULL_CHR_H_INP;
import static org.bytedeco.ffmpeg.global.swscale.SWS_LANCZOS;
import static org.bytedeco.ffmpeg.global.swscale.sws_alloc_context;
import static org.bytedeco.ffmpeg.global.swscale.sws_frame_setup;
import static org.bytedeco.ffmpeg.global.swscale.sws_free_context;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;
import static org.bytedeco.ffmpeg.global.swscale.sws_test_format;

import io.scanout.convert.ConvertException;
import io.scanout.convert.Scaling;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * One libswscale conversion, from a region of one format and size to a whole image of another
 * format and size ({@link SwsImage}: a frame format, or an intermediate only libswscale sees),
 * through FFmpeg 8's frame API ({@code sws_scale_frame}): the colour of each side is set on its
 * {@code AVFrame} (matrix, range, chroma siting), and libswscale builds a graph for the pair
 * once, then runs it in horizontal slices on {@link #threads()} threads of its own.
 *
 * <p>No pixel is copied in or out: the two {@code AVFrame}s are allocated once and only their
 * plane pointers and strides are refilled per frame with the frames' own native addresses, so a
 * conversion allocates nothing. Both sides carry the same primaries and transfer, so libswscale
 * never inserts a gamut or tone mapping. 4:2:0 and 4:2:2 chroma is sited left of its luma pair
 * (H.264/HEVC's default, chroma_sample_loc_type 0), on input and output alike.
 *
 * <p>Owns the context and both {@code AVFrame}s; {@link #close()} frees them. One thread at a
 * time calls {@link #run}; it blocks that thread until every slice is done.
 */
public final class SwsStep implements AutoCloseable {
    private final SwsImage input;
    private final SwsImage output;
    private final int threads;
    private SwsContext context;
    private AVFrame source;
    private AVFrame destination;
    /** {@code source->data} and {@code source->linesize}, written in place. */
    private final LongPointer sourceData;
    private final IntPointer sourceStrides;
    private final LongPointer destinationData;
    private final IntPointer destinationStrides;

    private SwsStep(SwsImage input, SwsImage output, int threads, SwsContext context, AVFrame source,
                    AVFrame destination) {
        this.input = input;
        this.output = output;
        this.threads = threads;
        this.context = context;
        this.source = source;
        this.destination = destination;
        this.sourceData = new LongPointer(source.data());
        this.sourceStrides = source.linesize();
        this.destinationData = new LongPointer(destination.data());
        this.destinationStrides = destination.linesize();
    }

    /**
     * A conversion from {@code input} (the size of the region a run reads) to {@code output}.
     *
     * @param filter  the resampling filter when the size changes; same-size steps use bilinear
     *                for chroma subsampling alone
     * @param threads slice threads, at least 1
     * @throws ConvertException when libswscale does not read or write a format, or refuses the pair
     */
    public static SwsStep create(SwsImage input, SwsImage output, Scaling.Filter filter, int threads) {
        int from = input.pixelFormat();
        int to = output.pixelFormat();
        if (from == AV_PIX_FMT_NONE || sws_test_format(from, 0) == 0) {
            throw new ConvertException("cannot convert " + input + " to " + output + ": libswscale does not read "
                    + pixelFormatName(from));
        }
        if (to == AV_PIX_FMT_NONE || sws_test_format(to, 1) == 0) {
            throw new ConvertException("cannot convert " + input + " to " + output + ": libswscale does not write "
                    + pixelFormatName(to));
        }
        boolean scaled = input.width() != output.width() || input.height() != output.height();
        SwsContext context = null;
        AVFrame source = null;
        AVFrame destination = null;
        try {
            context = sws_alloc_context();
            source = av_frame_alloc();
            destination = av_frame_alloc();
            if (context == null || context.isNull() || source == null || source.isNull()
                    || destination == null || destination.isNull()) {
                throw new OutOfMemoryError("libswscale could not allocate a context and two frames for "
                        + input + " to " + output);
            }
            int flags = scaled ? flags(filter) : SWS_BILINEAR;
            if (input.rgb() && !output.rgb()) {
                // Chroma from every input pixel, then filtered down [1 2 1] onto the even column, as
                // the output's left siting says. Without it libswscale first averages each pixel pair
                // (centre siting): on random pictures 20 to 100 codes off the left-sited value, for
                // every RGB input (10-bit RGB was read that way until ReferenceConversionTest). For
                // 8-bit RGB it is also the read libswscale has SIMD for: 2.2x faster for XR24 → NV12.
                flags |= SWS_FULL_CHR_H_INP;
                if (PixelFormats.isTwentyFourBitRgb(input.pixelFormat())
                        && output.pixelFormat() == AV_PIX_FMT_YUV420P) {
                    // Not the unscaled RGB24 → I420 shortcut, which ignores the flag above and the
                    // siting and takes the plain mean of each 2x2 block (up to 68 codes off).
                    flags |= SWS_ACCURATE_RND;
                }
            }
            // Dither off: libswscale applies it only when it can choose, and a static desktop would
            // carry a fixed noise pattern into the encoder.
            context.flags(flags).threads(threads).dither(SWS_DITHER_NONE);
            describe(source, input);
            describe(destination, output);
            int result = sws_frame_setup(context, destination, source);
            if (result < 0) {
                throw new ConvertException("libswscale cannot convert " + input + " (" + colour(input) + ") to "
                        + output + " (" + colour(output) + "): sws_frame_setup returned " + result + " ("
                        + errorText(result) + ")");
            }
            SwsStep step = new SwsStep(input, output, threads, context, source, destination);
            context = null;
            source = null;
            destination = null;
            return step;
        } finally {
            // Reached with something still set only when a step above failed: unwind in reverse.
            if (destination != null) {
                av_frame_free(destination);
            }
            if (source != null) {
                av_frame_free(source);
            }
            if (context != null) {
                sws_free_context(context);
            }
        }
    }

    private static int flags(Scaling.Filter filter) {
        switch (filter) {
            case BICUBIC: return SWS_BICUBIC;
            case LANCZOS: return SWS_LANCZOS;
            default: return SWS_BILINEAR;
        }
    }

    private static void describe(AVFrame frame, SwsImage image) {
        frame.format(image.pixelFormat()).width(image.width()).height(image.height())
                .colorspace(image.rgb() ? AVCOL_SPC_RGB : PixelFormats.avColorSpace(image.yuv().matrix()))
                .color_range(image.rgb() ? AVCOL_RANGE_JPEG : PixelFormats.avColorRange(image.yuv().range()))
                .color_primaries(AVCOL_PRI_BT709)
                .color_trc(AVCOL_TRC_BT709)
                .chroma_location(image.subsampled() ? AVCHROMA_LOC_LEFT : AVCHROMA_LOC_UNSPECIFIED);
    }

    private static String colour(SwsImage image) {
        return image.rgb() ? "full-range RGB" : image.yuv().toString();
    }

    private static String pixelFormatName(int pixelFormat) {
        return pixelFormat == AV_PIX_FMT_NONE ? "(no FFmpeg pixel format)"
                : av_get_pix_fmt_name(pixelFormat).getString();
    }

    static String errorText(int error) {
        byte[] text = new byte[128];
        av_strerror(error, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
    }

    public SwsImage input() {
        return input;
    }

    public SwsImage output() {
        return output;
    }

    public int threads() {
        return threads;
    }

    /**
     * Converts the {@link #input()}-sized region of {@code in} whose top-left corner is
     * {@code (x, y)} into the whole of {@code out}, reading and writing the frames' planes in
     * place. Neither frame is released. A 4:2:0 or 4:2:2 input must be cut at even coordinates.
     *
     * @throws IllegalArgumentException when a frame does not match the step or the region does not fit
     * @throws ConvertException         when {@code sws_scale_frame} fails
     */
    public void run(Frame in, int x, int y, Frame out) {
        readFrom(in, x, y);
        writeTo(out);
        scale();
    }

    /** Like {@link #run(Frame, int, int, Frame)}, into a scratch image of {@link #output()}. */
    public void run(Frame in, int x, int y, ScratchImage out) {
        readFrom(in, x, y);
        writeTo(out);
        scale();
    }

    /** Like {@link #run(Frame, int, int, Frame)}, from a whole scratch image of {@link #input()}. */
    public void run(ScratchImage in, Frame out) {
        if (!in.format().equals(input)) {
            throw new IllegalArgumentException("a step from " + input + " cannot read " + in.format());
        }
        for (int p = 0; p < 4; p++) {
            sourceData.put(p, in.plane(p));
            sourceStrides.put(p, in.stride(p));
        }
        writeTo(out);
        scale();
    }

    private void readFrom(Frame in, int x, int y) {
        PlaneLayout from = in.layout();
        DrmFormat format = from.format();
        if (PixelFormats.avPixelFormat(format) != input.pixelFormat() || x < 0 || y < 0
                || x + input.width() > from.width() || y + input.height() > from.height()
                || x % format.horizontalSubsampling() != 0 || y % format.verticalSubsampling() != 0) {
            throw new IllegalArgumentException("a step from " + input + " cannot read " + input.width() + "x"
                    + input.height() + " at " + x + "," + y + " of " + from);
        }
        for (int p = 0; p < 4; p++) {
            boolean present = p < from.planeCount();
            sourceData.put(p, present ? in.planeAddress(p) + (long) format.planeHeight(p, y) * from.stride(p)
                    + format.rowBytes(p, x) : 0L);
            sourceStrides.put(p, present ? from.stride(p) : 0);
        }
    }

    private void writeTo(Frame out) {
        PlaneLayout to = out.layout();
        if (PixelFormats.avPixelFormat(to.format()) != output.pixelFormat() || to.width() != output.width()
                || to.height() != output.height()) {
            throw new IllegalArgumentException("a step to " + output + " cannot write " + to);
        }
        for (int p = 0; p < 4; p++) {
            boolean present = p < to.planeCount();
            destinationData.put(p, present ? out.planeAddress(p) : 0L);
            destinationStrides.put(p, present ? to.stride(p) : 0);
        }
    }

    private void writeTo(ScratchImage out) {
        if (!out.format().equals(output)) {
            throw new IllegalArgumentException("a step to " + output + " cannot write " + out.format());
        }
        for (int p = 0; p < 4; p++) {
            destinationData.put(p, out.plane(p));
            destinationStrides.put(p, out.stride(p));
        }
    }

    private void scale() {
        int result = sws_scale_frame(context, destination, source);
        if (result < 0) {
            throw new ConvertException("libswscale failed to convert " + input + " to " + output
                    + " (sws_scale_frame returned " + result + ": " + errorText(result) + ")");
        }
    }

    @Override
    public void close() {
        if (destination != null) {
            av_frame_free(destination);
            destination = null;
        }
        if (source != null) {
            av_frame_free(source);
            source = null;
        }
        if (context != null) {
            sws_free_context(context);
            context = null;
        }
    }
}
