package io.scanout.bench;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR0;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The same work as {@link ConvertScaleBenchmark} — a 3840×2160 XR24 frame of the synthetic picture
 * to NV12 at 1920×1080 — through zimg instead of libswscale: FFmpeg's {@code zscale} filter (this
 * FFmpeg build has {@code --enable-libzimg}) in a graph {@code buffer → zscale → buffersink} on one
 * thread. Issue 5 asks for whichever of the two measures better; run both and compare.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'ConvertScaleBenchmark|ZimgScaleBenchmark' -p threads=1 -f 1</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ZimgScaleBenchmark {
    /** zimg's names for {@link ConvertScaleBenchmark}'s filters. */
    @Param({"bilinear", "bicubic", "lanczos"})
    public String filter;

    private AVFilterGraph graph;
    private AVFilterContext source;
    private AVFilterContext sink;
    private AVFrame input;
    private AVFrame output;

    @Setup(Level.Trial)
    public void setUp() {
        int width = 3840;
        int height = 2160;
        // The picture once in an FFmpeg-owned frame, so each operation hands the filter a reference, not a copy.
        input = av_frame_alloc();
        input.format(AV_PIX_FMT_BGR0).width(width).height(height);
        check(av_frame_get_buffer(input, 64), "av_frame_get_buffer");
        try (FramePool pool = new FramePool()) {
            Frame picture = pool.acquire(new VideoFormat(DrmFormat.XR24, width, height));
            try {
                new SyntheticPattern(width, height).render(1234, picture);
                int stride = picture.layout().stride(0);
                BytePointer from = new BytePointer(picture.buffer());
                BytePointer to = input.data(0);
                for (int y = 0; y < height; y++) {
                    Pointer.memcpy(to.getPointer((long) y * input.linesize(0)), from.getPointer((long) y * stride),
                            4L * width);
                }
            } finally {
                picture.release();
            }
        }
        output = av_frame_alloc();
        graph = avfilter_graph_alloc();
        graph.nb_threads(1);
        source = create("buffer", "in", "video_size=" + width + "x" + height + ":pix_fmt=" + AV_PIX_FMT_BGR0
                + ":time_base=1/30:pixel_aspect=1/1");
        AVFilterContext scale = create("zscale", "scale", "w=1920:h=1080:filter=" + filter + ":matrix=709:range=limited");
        AVFilterContext format = create("format", "format", "pix_fmts=nv12");
        sink = create("buffersink", "out", null);
        check(avfilter_link(source, 0, scale, 0), "avfilter_link");
        check(avfilter_link(scale, 0, format, 0), "avfilter_link");
        check(avfilter_link(format, 0, sink, 0), "avfilter_link");
        check(avfilter_graph_config(graph, null), "avfilter_graph_config");
    }

    private AVFilterContext create(String name, String label, String arguments) {
        AVFilterContext context = new AVFilterContext(null);
        check(avfilter_graph_create_filter(context, avfilter_get_by_name(name), label, arguments, null, graph),
                "avfilter_graph_create_filter " + name);
        return context;
    }

    private static void check(int result, String call) {
        if (result < 0) {
            throw new IllegalStateException(call + " failed: " + result);
        }
    }

    @Benchmark
    public void convertAndHalve(Blackhole blackhole) {
        check(av_buffersrc_add_frame_flags(source, input, AV_BUFFERSRC_FLAG_KEEP_REF), "av_buffersrc_add_frame_flags");
        check(av_buffersink_get_frame(sink, output), "av_buffersink_get_frame");
        blackhole.consume(output.data(0));
        av_frame_unref(output);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        avfilter_graph_free(graph);
        av_frame_free(output);
        av_frame_free(input);
    }
}
