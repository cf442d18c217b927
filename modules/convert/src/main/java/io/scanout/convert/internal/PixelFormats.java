package io.scanout.convert.internal;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR0;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGRA;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_P010LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB0;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB565LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGBA;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_X2RGB10LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUYV422;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_SMPTE170M;

import io.scanout.convert.Colorimetry;
import io.scanout.core.DrmFormat;
import java.util.Optional;

/**
 * The one place DRM fourccs meet FFmpeg's pixel formats. DRM names a little-endian word from its
 * most significant end, FFmpeg names bytes in memory order, so XR24 ({@code x:R:G:B} word, B, G,
 * R, X in memory) is {@code AV_PIX_FMT_BGR0}.
 */
public final class PixelFormats {
    private PixelFormats() {
    }

    /** FFmpeg's {@code AVPixelFormat} for a DRM format, or {@code AV_PIX_FMT_NONE} when there is none. */
    public static int avPixelFormat(DrmFormat format) {
        switch (format) {
            case XR24: return AV_PIX_FMT_BGR0;
            case AR24: return AV_PIX_FMT_BGRA;
            case XB24: return AV_PIX_FMT_RGB0;
            case AB24: return AV_PIX_FMT_RGBA;
            case RG24: return AV_PIX_FMT_BGR24;
            case BG24: return AV_PIX_FMT_RGB24;
            case RG16: return AV_PIX_FMT_RGB565LE;
            case XR30: return AV_PIX_FMT_X2RGB10LE;
            // The encoders take no alpha: ARGB2101010 is read as XRGB2101010.
            case AR30: return AV_PIX_FMT_X2RGB10LE;
            case NV12: return AV_PIX_FMT_NV12;
            case YU12: return AV_PIX_FMT_YUV420P;
            case YUYV: return AV_PIX_FMT_YUYV422;
            case P010: return AV_PIX_FMT_P010LE;
            default: return AV_PIX_FMT_NONE;
        }
    }

    /**
     * The format to expand a frame to before it goes to YUV, when libswscale's direct path would
     * get it wrong. RG16: libswscale's RGB565 → YUV path reads a component as {@code v << 3}, so
     * white comes out as Y 231 instead of 235; its RGB565 → BGR0 path replicates the high bits as
     * a display does.
     */
    public static Optional<DrmFormat> expandFirst(DrmFormat format) {
        return format == DrmFormat.RG16 ? Optional.of(DrmFormat.XR24) : Optional.empty();
    }

    /**
     * The format to go through between two YUV formats of one matrix, when libswscale's direct
     * path gets the pair wrong. P010 → NV12: it writes wrong codes (not even clipped: near-white
     * becomes near-black) into the last {@code width % 8} columns of every row, so 1366-wide
     * frames had a stripe at the right edge; P010 → I420 and I420 → NV12 are both exact there.
     */
    public static Optional<DrmFormat> throughFirst(DrmFormat input, DrmFormat output) {
        return input == DrmFormat.P010 && output == DrmFormat.NV12 ? Optional.of(DrmFormat.YU12) : Optional.empty();
    }

    /** FFmpeg's {@code AVColorSpace} (the YUV matrix) for a {@link Colorimetry.Matrix}. */
    public static int avColorSpace(Colorimetry.Matrix matrix) {
        // SMPTE 170M and BT.470BG share the BT.601 matrix; 170M is what H.264 VUI calls it (6).
        return matrix == Colorimetry.Matrix.BT601 ? AVCOL_SPC_SMPTE170M : AVCOL_SPC_BT709;
    }

    /** FFmpeg's {@code AVColorRange} for a {@link Colorimetry.Range}. */
    public static int avColorRange(Colorimetry.Range range) {
        return range == Colorimetry.Range.FULL ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    }

    /** Whether the format stores chroma at a lower resolution than luma (4:2:0, 4:2:2). */
    public static boolean isSubsampled(DrmFormat format) {
        return format.horizontalSubsampling() > 1 || format.verticalSubsampling() > 1;
    }

    /** Whether an FFmpeg pixel format is packed RGB of three bytes a pixel (RG24, BG24). */
    public static boolean isTwentyFourBitRgb(int avPixelFormat) {
        return avPixelFormat == AV_PIX_FMT_BGR24 || avPixelFormat == AV_PIX_FMT_RGB24;
    }
}
