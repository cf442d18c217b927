package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_init_str;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_pix_fmt_desc_get;

import io.scanout.core.DrmFormat;
import io.scanout.encode.YuvColour;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What of the GPU colour conversion for RGB dma-bufs can be checked without a GPU: that this FFmpeg
 * build has {@code scale_vaapi} and takes every option Scanout gives it (a filter checks its options
 * when it initialises, and needs the device only when the graph is configured), and that each DRM
 * RGB format is imported as the FFmpeg pixel format with the same bytes in the same places. The
 * conversion itself runs in {@code HardwareEncodeTest} where a render node exists.
 */
class VaapiColourConversionTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(YuvColour.class)
    void scaleVaapiIsBuiltAndTakesEveryOptionScanoutGivesIt(YuvColour colour) {
        String arguments = VaapiColourConversion.filterArguments(colour);
        assertThat(arguments).contains("out_color_matrix=" + (colour.bt601() ? "smpte170m" : "bt709"))
                .contains("out_range=" + (colour.fullRange() ? "pc" : "tv"));
        AVFilterGraph graph = avfilter_graph_alloc();
        try {
            AVFilterContext scale = avfilter_graph_alloc_filter(graph, avfilter_get_by_name("scale_vaapi"), "convert");
            assertThat(scale).as("scale_vaapi in this FFmpeg build").isNotNull();
            int initialised = avfilter_init_str(scale, arguments);
            assertThat(initialised).as("scale_vaapi=%s: %s", arguments,
                    FfmpegErrors.describe("avfilter_init_str", initialised)).isZero();

            AVFilterContext wrong = avfilter_graph_alloc_filter(graph, avfilter_get_by_name("scale_vaapi"), "wrong");
            assertThat(avfilter_init_str(wrong, "format=nv12:out_colour_matrix=bt709"))
                    .as("a misspelt option is refused, so the check above can fail").isNegative();
        } finally {
            avfilter_graph_free(graph);
        }
    }

    /** Kernel drm_fourcc.h: XRGB8888 is [31:0] x:R:G:B little endian, so B is byte 0 and R byte 2. */
    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({"XR24, bgr0, 2, 1, 0", "AR24, bgra, 2, 1, 0", "XB24, rgb0, 0, 1, 2", "AB24, rgba, 0, 1, 2"})
    void rgbDmaBufsAreImportedAsThePixelFormatWithTheSameByteOrder(String fourcc, String name, int red, int green,
                                                                   int blue) {
        int format = EncoderCandidate.dmaBufPixelFormat(DrmFormat.parse(fourcc));
        assertThat(av_get_pix_fmt_name(format).getString()).isEqualTo(name);
        AVPixFmtDescriptor descriptor = av_pix_fmt_desc_get(format);
        assertThat(descriptor.comp(0).offset()).as("red byte").isEqualTo(red);
        assertThat(descriptor.comp(1).offset()).as("green byte").isEqualTo(green);
        assertThat(descriptor.comp(2).offset()).as("blue byte").isEqualTo(blue);
        assertThat(descriptor.comp(0).step()).as("bytes per pixel").isEqualTo(4);
    }
}
