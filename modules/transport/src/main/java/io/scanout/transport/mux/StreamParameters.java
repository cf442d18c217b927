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
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.javacpp.BytePointer;

/**
 * Fills a muxer stream's {@code AVCodecParameters} from a {@link CodecConfig}: codec (and, for
 * HEVC in MP4, the {@code hvc1} tag), size, a 4:2:0 picture of the config's bit depth (8, or 10 for
 * a stream from a 10-bit source), BT.709 limited range (the default colour: {@code --colour} is
 * carried by the bitstream's own VUI, not here), and the parameter sets as {@code extradata}.
 * H.264 and HEVC sets go in Annex B, as the encoder made them: the MP4 and FLV muxers turn them
 * into {@code avcC}/{@code hvcC} and the packets into length-prefixed samples themselves; the AV1
 * sequence header OBU becomes {@code av1C}; VP9's profile comes from its codec string
 * ({@code vp09.PP.LL.DD}) for {@code vpcC}. Stateless.
 */
final class StreamParameters {
    /** {@code MKTAG('h','v','c','1')}: the MP4 sample entry of HEVC with every parameter set in {@code hvcC}. */
    static final int HVC1 = 'h' | 'v' << 8 | 'c' << 16 | '1' << 24;

    private StreamParameters() {
    }

    /**
     * Whether this container gets the codec's parameter sets in its header only, none in the
     * samples: HEVC in MP4, tagged {@code hvc1} (avformat's default, {@code hev1}, allows them in
     * band too, and Safari plays {@code hvc1} only). For {@code hvc1} avformat's MP4 muxer itself
     * drops the VPS, SPS and PPS from each packet (FFmpeg 8.1; for {@code hev1} it keeps them). MPEG-TS
     * needs them in band; FLV and RTSP keep what the encoder made.
     */
    static boolean setsInSampleEntryOnly(MuxFormat format, Codec codec) {
        return format == MuxFormat.FRAGMENTED_MP4 && codec == Codec.HEVC;
    }

    static void describe(CodecConfig config, MuxFormat format, AVCodecParameters par) {
        par.codec_type(AVMEDIA_TYPE_VIDEO);
        par.codec_id(codecId(config.codec()));
        if (setsInSampleEntryOnly(format, config.codec())) {
            par.codec_tag(HVC1);
        }
        par.width(config.width());
        par.height(config.height());
        par.format(config.bitDepth() > 8 ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P);
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

    /** The profile of a {@code vp09.PP.…} codec string; 0 when it has none. */
    static int vp9Profile(String codecString) {
        String[] parts = codecString.split("\\.");
        if (parts.length > 1 && parts[1].matches("\\d{1,2}")) {
            return Integer.parseInt(parts[1]);
        }
        return 0;
    }
}
