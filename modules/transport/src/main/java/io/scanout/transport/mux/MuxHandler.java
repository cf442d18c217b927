package io.scanout.transport.mux;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.scanout.core.Codec;
import io.scanout.transport.HttpTransport;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.StreamHandler;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Serves a stream as one container over HTTP — {@code GET /streams/{id}.ts} (MPEG-TS) or
 * {@code GET /streams/{id}.mp4} (fragmented MP4) — to players such as ffplay, mpv and VLC. Register
 * it with {@code HttpTransport.builder().streamHandler(MuxHandler.SUFFIX_TS, MuxHandler.of(MuxFormat.MPEG_TS))}
 * (see {@link #register}).
 *
 * <p>Each request is a viewer of the stream's hub, with its own bounded queue and its own muxer: it
 * starts at a keyframe, timestamps start at 0, and a client that reads slowly skips to the next
 * keyframe without slowing anyone else. The body is chunked and endless; it ends when the stream
 * ends (after the container's trailer) or when the encoder's configuration changes in a way the
 * container cannot follow (a player reconnects). A stream whose codec the container does not carry
 * is answered 415 with the container's codecs.
 *
 * <p>Thread-safe and stateless; one instance per format serves every request.
 */
public final class MuxHandler implements StreamHandler {
    private final MuxFormat format;

    private MuxHandler(MuxFormat format) {
        this.format = format;
    }

    /**
     * The handler for {@code format}, which must be one served over HTTP.
     *
     * @throws IllegalArgumentException for {@link MuxFormat#RTSP} or {@link MuxFormat#FLV}
     */
    public static MuxHandler of(MuxFormat format) {
        if (format != MuxFormat.MPEG_TS && format != MuxFormat.FRAGMENTED_MP4) {
            throw new IllegalArgumentException(format + " is not served over HTTP; use .ts or .mp4");
        }
        return new MuxHandler(format);
    }

    /** Adds {@code .ts} and {@code .mp4} to a transport. */
    public static HttpTransport.Builder register(HttpTransport.Builder builder) {
        return builder.streamHandler(MuxFormat.MPEG_TS.suffix(), of(MuxFormat.MPEG_TS))
                .streamHandler(MuxFormat.FRAGMENTED_MP4.suffix(), of(MuxFormat.FRAGMENTED_MP4));
    }

    public MuxFormat format() {
        return format;
    }

    @Override
    public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res, StreamEndpoint stream) {
        Optional<Codec> codec = stream.hub().config().map(c -> c.codec());
        if (codec.isPresent() && !format.carries(codec.get())) {
            return unsupported(res, format, stream.hub().streamId(), codec.get());
        }
        return new HttpMuxSession(format, stream.hub(), res).run();
    }

    static Mono<Void> unsupported(HttpServerResponse res, MuxFormat format, String streamId, Codec codec) {
        return res.status(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .sendString(Mono.just("stream '" + streamId + "' is " + codec + "; " + format.suffix() + " ("
                        + format + ") carries " + format.codecs() + "\n"))
                .then();
    }
}
