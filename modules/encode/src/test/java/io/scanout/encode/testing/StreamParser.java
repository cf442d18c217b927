package io.scanout.encode.testing;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.av_parser_close;
import static org.bytedeco.ffmpeg.global.avcodec.av_parser_init;
import static org.bytedeco.ffmpeg.global.avcodec.av_parser_parse2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import io.scanout.core.Codec;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParserContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * FFmpeg's bitstream parsers ({@code av_parser_parse2}), independent of Scanout's own header
 * readers: what profile and level FFmpeg reads from a keyframe. Test code only.
 */
public final class StreamParser {
    private StreamParser() {
    }

    /** Profile and level as FFmpeg's parser set them on a codec context ({@code -99}: unknown). */
    public record Parsed(int profile, int level, boolean keyframe) {
    }

    /** Parses one complete packet. */
    public static Parsed parse(Codec codec, byte[] packet) {
        int id = switch (codec) {
            case H264 -> AV_CODEC_ID_H264;
            case HEVC -> AV_CODEC_ID_HEVC;
            case VP8 -> AV_CODEC_ID_VP8;
            case VP9 -> AV_CODEC_ID_VP9;
            case AV1 -> AV_CODEC_ID_AV1;
        };
        AVCodecParserContext parser = av_parser_init(id);
        if (parser == null) {
            throw new IllegalStateException("no FFmpeg parser for " + codec);
        }
        AVCodecContext context = avcodec_alloc_context3((AVCodec) null);
        context.codec_id(id);
        // The parser must not wait for the next packet to find this one's end.
        parser.flags(parser.flags() | 0x0001); // PARSER_FLAG_COMPLETE_FRAMES
        try (BytePointer data = new BytePointer(packet.length + 64);
             PointerPointer<BytePointer> out = new PointerPointer<>(1);
             IntPointer outSize = new IntPointer(1)) {
            data.put(packet, 0, packet.length);
            av_parser_parse2(parser, context, out, outSize, data, packet.length, AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
            return new Parsed(context.profile(), context.level(), parser.key_frame() == 1);
        } finally {
            av_parser_close(parser);
            avcodec_free_context(context);
        }
    }
}
