package io.scanout.transport.push;

import static org.bytedeco.ffmpeg.global.avformat.av_guess_format;
import static org.bytedeco.ffmpeg.global.avformat.avio_enum_protocols;

import io.scanout.transport.mux.MuxFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Where a stream is pushed: an {@code rtmp://}/{@code rtmps://} URL (FLV), {@code rtsp://}/{@code
 * rtsps://} (RTSP ANNOUNCE/RECORD over TCP) or {@code srt://} (MPEG-TS in SRT, caller mode unless
 * the URL says otherwise). Immutable.
 *
 * @param url    the URL as given, secrets and all; never logged
 * @param scheme its scheme, lowercase ({@code rtmp}, {@code rtsp}, {@code srt}, …): a metric tag
 * @param format the container avformat writes to it
 * @param shown  the URL with what may be secret masked (user info, query, an RTMP stream key): for logs
 */
public record PushTarget(String url, String scheme, MuxFormat format, String shown) {

    /**
     * Reads a push URL and checks that this FFmpeg build can write it.
     *
     * @throws IllegalArgumentException naming the URL (masked) and what is wrong: not a URL, no host,
     *                                  a scheme Scanout does not push to, or a protocol this FFmpeg
     *                                  build lacks
     */
    public static PushTarget parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a push URL is required (srt://, rtsp:// or rtmp://)");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("push URL is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        MuxFormat format = switch (scheme) {
            case "rtmp", "rtmps" -> MuxFormat.FLV;
            case "rtsp", "rtsps" -> MuxFormat.RTSP;
            case "srt" -> MuxFormat.MPEG_TS;
            default -> throw new IllegalArgumentException("cannot push to '" + mask(uri) + "': Scanout pushes to"
                    + " srt://, rtsp:// (or rtsps://) and rtmp:// (or rtmps://) URLs");
        };
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("push URL '" + mask(uri) + "' has no host");
        }
        String protocol = scheme.startsWith("rtsp") ? (scheme.equals("rtsps") ? "tls" : "tcp") : scheme;
        if (!outputProtocols().contains(protocol) || av_guess_format(format.ffmpegName(), null, null) == null) {
            throw new IllegalArgumentException("cannot push to '" + mask(uri) + "': this FFmpeg build has no "
                    + (scheme.startsWith("rtsp") ? "rtsp muxer over " + protocol : scheme + " protocol")
                    + " (it writes " + String.join(", ", outputProtocols()) + ")");
        }
        return new PushTarget(url.trim(), scheme, format, mask(uri));
    }

    /** The output protocols of the FFmpeg build in use ({@code avio_enum_protocols}). */
    public static Set<String> outputProtocols() {
        Set<String> names = new LinkedHashSet<>();
        try (PointerPointer<Pointer> opaque = new PointerPointer<>(1)) {
            opaque.put(0, (Pointer) null);
            BytePointer name;
            while ((name = avio_enum_protocols(opaque, 1)) != null && !name.isNull()) {
                names.add(name.getString());
            }
        }
        return names;
    }

    private static String mask(URI uri) {
        StringBuilder shown = new StringBuilder();
        shown.append(uri.getScheme()).append("://");
        if (uri.getRawUserInfo() != null) {
            shown.append("***@");
        }
        shown.append(uri.getHost() == null ? "" : uri.getHost());
        if (uri.getPort() >= 0) {
            shown.append(':').append(uri.getPort());
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int last = path.lastIndexOf('/');
        if (scheme.startsWith("rtmp") && last > 0 && last < path.length() - 1) {
            // rtmp://host/app/KEY: the last segment is the publishing key.
            path = path.substring(0, last + 1) + "***";
        }
        shown.append(path);
        if (uri.getRawQuery() != null) {
            shown.append("?***");
        }
        return shown.toString();
    }

    @Override
    public String toString() {
        return shown;
    }
}
