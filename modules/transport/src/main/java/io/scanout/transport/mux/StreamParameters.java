package io.scanout.transport.mux;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.javacpp.BytePointer;

/**
 * Fills a muxer stream's {@code AVCodecParameters} from a {@link CodecConfig}: codec, size, a
 * 4:2:0 picture of the bit depth the codec string says (8, or 10 for a stream from a 10-bit
 * source), BT.709 limited range (the default colour: {@code --colour} is carried by the
 * bitstream's own VUI, not here), and the parameter sets as
 * {@code extradata}. H.264 and HEVC sets go in Annex B, as the encoder made them: the MP4 and FLV
 * muxers turn them into {@code avcC}/{@code hvcC} and the packets into length-prefixed samples
 * themselves; the AV1 sequence header OBU becomes {@code av1C}; VP9's profile comes from its codec
 * string ({@code vp09.PP.LL.DD}) for {@code vpcC}. Stateless.
 */
final class StreamParameters {
    private StreamParameters() {
    }

    static void describe(CodecConfig config, AVCodecParameters par) {
        par.codec_type(AVMEDIA_TYPE_VIDEO);
        par.codec_id(codecId(config.codec()));
        par.width(config.width());
        par.height(config.height());
        par.format(bitDepth(config) > 8 ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P);
        par.color_range(AVCOL_RANGE_MPEG);
        par.color_space(AVCOL_SPC_BT709);
        par.color_primaries(AVCOL_PRI_BT709);
        par.color_trc(AVCOL_TRC_BT709);
        if (config.codec() == Codec.VP9) {
            par.profile(vp9Profile(config.codecString()));
        }
        byte[] sets = config.parameterSets();
        if (sets.length > 0) {
            // av_malloc'd and padded, as avformat requires: the parameters own it and free it with the context.
            BytePointer extradata = new BytePointer(av_mallocz(sets.length + AV_INPUT_BUFFER_PADDING_SIZE));
            if (extradata.isNull()) {
                throw new MuxException("cannot allocate " + sets.length + " B of extradata (out of memory)");
            }
            extradata.put(sets, 0, sets.length);
            par.extradata(extradata);
            par.extradata_size(sets.length);
        }
    }

    static int codecId(Codec codec) {
        return switch (codec) {
            case H264 -> AV_CODEC_ID_H264;
            case HEVC -> AV_CODEC_ID_HEVC;
            case VP8 -> AV_CODEC_ID_VP8;
            case VP9 -> AV_CODEC_ID_VP9;
            case AV1 -> AV_CODEC_ID_AV1;
        };
    }

    /**
     * The bit depth a stream's codec string says: H.264's High 10 profile ({@code avc1.6E…}),
     * HEVC's Main 10 ({@code hev1.2.…}), and the depth field of VP9's ({@code vp09.PP.LL.DD}) and
     * AV1's ({@code av01.P.LLT.DD}); 8 otherwise.
     */
    static int bitDepth(CodecConfig config) {
        String[] parts = config.codecString().split("\\.");
        return switch (config.codec()) {
            case H264 -> parts.length > 1 && parts[1].toUpperCase(Locale.ROOT).startsWith("6E") ? 10 : 8;
            case HEVC -> parts.length > 1 && parts[1].matches("[A-C]?2") ? 10 : 8;
            case VP9 -> parts.length > 3 && parts[3].matches("\\d{2}") ? Integer.parseInt(parts[3]) : 8;
            case AV1 -> parts.length > 3 && parts[3].matches("\\d{2}") ? Integer.parseInt(parts[3]) : 8;
            case VP8 -> 8;
        };
    }

    /** The profile of a {@code vp09.PP.…} codec string; 0 when it has none. */
    static int vp9Profile(String codecString) {
        String[] parts = codecString.split("\\.");
        if (parts.length > 1 && parts[1].matches("\\d{1,2}")) {
            return Integer.parseInt(parts[1]);
        }
        return 0;
    }
}
