package io.scanout.encode.internal;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_SMPTE170M;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_BT709;

import io.scanout.encode.YuvColour;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * FFmpeg's colour fields for a {@link YuvColour}: what goes into the codec context (and from there
 * the stream's VUI or colour config) and onto every frame, so both say the same. Primaries and
 * transfer are BT.709 for every choice (sRGB sources; see {@link YuvColour}).
 */
final class ColourTags {
    private ColourTags() {
    }

    /** {@code AVCOL_RANGE_MPEG} (limited) or {@code AVCOL_RANGE_JPEG} (full). */
    static int range(YuvColour colour) {
        return colour.fullRange() ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    }

    /** {@code AVCOL_SPC_BT709} or {@code AVCOL_SPC_SMPTE170M} (BT.601, as ffprobe calls it: smpte170m). */
    static int matrix(YuvColour colour) {
        return colour.bt601() ? AVCOL_SPC_SMPTE170M : AVCOL_SPC_BT709;
    }

    static void apply(YuvColour colour, AVCodecContext c) {
        c.color_range(range(colour));
        c.colorspace(matrix(colour));
        c.color_primaries(AVCOL_PRI_BT709);
        c.color_trc(AVCOL_TRC_BT709);
    }

    static void apply(YuvColour colour, AVFrame f) {
        f.color_range(range(colour)).colorspace(matrix(colour)).color_primaries(AVCOL_PRI_BT709)
                .color_trc(AVCOL_TRC_BT709);
    }
}
