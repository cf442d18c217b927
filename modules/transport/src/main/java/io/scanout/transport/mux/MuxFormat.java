package io.scanout.transport.mux;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The containers Scanout writes with FFmpeg's avformat, what each carries, and how it is set up for
 * live output to a pipe (no seeking back, no index at the end).
 */
public enum MuxFormat {
    /** MPEG-TS ({@code .ts}, {@code video/mp2t}): H.264 or HEVC, Annex B as the encoder makes it. */
    MPEG_TS("mpegts", ".ts", "video/mp2t", EnumSet.of(Codec.H264, Codec.HEVC), Map.of()),
    /**
     * Fragmented MP4 ({@code .mp4}, {@code video/mp4}): {@code ftyp} and an empty {@code moov}, then
     * one {@code moof}/{@code mdat} per frame. H.264, HEVC, VP9 or AV1; avformat turns Annex B into
     * length-prefixed samples and the parameter sets into {@code avcC}/{@code hvcC} itself. HEVC is
     * tagged {@code hvc1}, as Safari wants: its parameter sets are in {@code hvcC} only.
     */
    FRAGMENTED_MP4("mp4", ".mp4", "video/mp4", EnumSet.of(Codec.H264, Codec.HEVC, Codec.VP9, Codec.AV1),
            Map.of("movflags", "empty_moov+default_base_moof+frag_every_frame")),
    /** FLV for RTMP: H.264 (HEVC, VP9 and AV1 as Enhanced RTMP, which not every server takes). */
    FLV("flv", ".flv", "video/x-flv", EnumSet.of(Codec.H264, Codec.HEVC, Codec.VP9, Codec.AV1), Map.of()),
    /** RTSP ANNOUNCE/RECORD (the muxer opens its own connection): H.264, HEVC, VP9 or AV1 over RTP/TCP. */
    RTSP("rtsp", "", "", EnumSet.of(Codec.H264, Codec.HEVC, Codec.VP9, Codec.AV1), Map.of("rtsp_transport", "tcp"));

    private final String ffmpegName;
    private final String suffix;
    private final String contentType;
    private final Set<Codec> codecs;
    private final Map<String, String> options;

    MuxFormat(String ffmpegName, String suffix, String contentType, Set<Codec> codecs, Map<String, String> options) {
        this.ffmpegName = ffmpegName;
        this.suffix = suffix;
        this.contentType = contentType;
        this.codecs = codecs;
        this.options = options;
    }

    /** avformat's name of the muxer, e.g. {@code mpegts}. */
    public String ffmpegName() {
        return ffmpegName;
    }

    /** The URL suffix it is served under, e.g. {@code .ts}; empty for formats not served over HTTP. */
    public String suffix() {
        return suffix;
    }

    /** The HTTP {@code Content-Type}. */
    public String contentType() {
        return contentType;
    }

    /** Whether this container carries {@code codec}. */
    public boolean carries(Codec codec) {
        return codecs.contains(codec);
    }

    /** The codecs it carries, for messages. */
    public Set<Codec> codecs() {
        return EnumSet.copyOf(codecs);
    }

    /** Muxer options given to {@code avformat_write_header}. */
    Map<String, String> options() {
        return options;
    }

    /**
     * Whether one muxer can go on when the encoder's configuration changes from {@code before} to
     * {@code after}. MPEG-TS carries H.264 and HEVC parameter sets in band, so a new size or new
     * parameter sets of the same codec go on in the same stream; the other containers declare the
     * configuration once, up front, so any change ends the output. HEVC in MP4 relies on that: it
     * is tagged {@code hvc1}, whose samples lose their in-band parameter sets to the header's
     * {@code hvcC}, so a muxer must never see packets of parameter sets other than its header's.
     */
    public boolean continuesAcross(CodecConfig before, CodecConfig after) {
        if (before.equals(after)) {
            return true;
        }
        return this == MPEG_TS && before.codec() == after.codec();
    }

    @Override
    public String toString() {
        return ffmpegName;
    }
}
