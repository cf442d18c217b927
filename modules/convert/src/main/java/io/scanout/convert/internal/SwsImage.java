package io.scanout.convert.internal;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GBRPF32LE;

import io.scanout.convert.Colorimetry;
import io.scanout.core.VideoFormat;

/**
 * One side of a libswscale conversion: FFmpeg's pixel format, the size, and how its samples
 * encode colour. Either a Scanout frame format ({@link #of}) or an intermediate only libswscale
 * sees ({@link #rgbFloat}).
 *
 * @param pixelFormat FFmpeg's {@code AVPixelFormat}
 * @param width       pixels
 * @param height      pixels
 * @param rgb         whether the samples are RGB (always full range) rather than YUV
 * @param subsampled  whether chroma has fewer samples than luma
 * @param yuv         the matrix and range of YUV samples; ignored for RGB
 * @param label       what to call it in messages
 */
public record SwsImage(int pixelFormat, int width, int height, boolean rgb, boolean subsampled, Colorimetry yuv,
                       String label) {
    /** A frame format, its YUV read or written as {@code yuv}. */
    public static SwsImage of(VideoFormat format, Colorimetry yuv) {
        return new SwsImage(PixelFormats.avPixelFormat(format.format()), format.width(), format.height(),
                format.format().isRgb(), PixelFormats.isSubsampled(format.format()), yuv, format.toString());
    }

    /**
     * 32-bit float planar RGB at this size: the middle of a YUV → YUV change of matrix, which
     * libswscale does more exactly in two steps through it than in one. Not 16-bit integer RGB:
     * through that, chroma came out up to two codes off the formula on random pictures
     * (ReferenceConversionTest), through float within one. Twelve bytes a pixel, for a rare case.
     */
    public static SwsImage rgbFloat(int width, int height) {
        return new SwsImage(AV_PIX_FMT_GBRPF32LE, width, height, true, false, Colorimetry.BT709_LIMITED,
                "GBRPF32 " + width + "x" + height);
    }

    public SwsImage withSize(int newWidth, int newHeight) {
        return new SwsImage(pixelFormat, newWidth, newHeight, rgb, subsampled, yuv,
                label.replace(width + "x" + height, newWidth + "x" + newHeight));
    }

    @Override
    public String toString() {
        return label;
    }
}
