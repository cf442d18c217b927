package io.scanout.transport.mux;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avformat.avio_flush;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One avformat output of one video stream: encoded packets in, a container out — to a Java
 * consumer ({@link #toConsumer}, through a custom {@code AVIOContext}) or to a URL avformat opens
 * itself ({@link #toUrl}: rtmp, srt, rtsp).
 *
 * <p>Timestamps come from the packets' capture times, in microseconds from this muxer's first
 * packet, so every output starts at 0 and a gap (packets skipped to a keyframe) stays a gap in time.
 * They are made strictly increasing, as the containers need.
 *
 * <p>Native state — the format context, the stream's parameters (with a copy of the parameter sets),
 * the I/O context and its buffer, one {@code AVPacket} — is owned by this object and freed once, in
 * {@link #close()}. Threads: FFmpeg's contexts are not thread-safe, so every method that calls FFmpeg
 * is synchronised on this muxer (one thread at a time; no lock is shared between muxers).
 * {@link #interrupt()} is the exception: any thread, no lock, to stop a blocking network call.
 * Writing to a consumer copies memory only; writing to a URL blocks on the network, for at most the
 * given timeout per call.
 */
public final class PacketMuxer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PacketMuxer.class);
    private static final int IO_BUFFER_BYTES = 64 * 1024;
    private static final int MICROSECONDS = 1_000_000;

    private final MuxFormat format;
    private final CodecConfig config;
    private final String target;
    private final long timeoutNanos;
    private final Consumer<ByteBuffer> consumer;
    private final NativeSteps natives = new NativeSteps();
    private final Pointer opaque;
    private final AVFormatContext context;
    private final AVStream stream;
    private final AVPacket packet;
    private final AVRational microseconds;
    private volatile boolean interrupted;
    private volatile long deadline;
    private long firstCaptureNanos;
    private long lastPts = -1;
    private boolean headerWritten;
    private boolean closed;

    private PacketMuxer(MuxFormat format, CodecConfig config, String url, String target, Consumer<ByteBuffer> consumer,
                        Map<String, String> urlOptions, long timeoutNanos) {
        if (!format.carries(config.codec())) {
            throw new MuxException(format + " does not carry " + config.codec() + " (it carries " + format.codecs() + ")");
        }
        this.format = format;
        this.config = config;
        this.target = target;
        this.consumer = consumer;
        this.timeoutNanos = timeoutNanos;
        this.opaque = AvioCallbacks.register(new AvioCallbacks.Target() {
            @Override
            public void write(ByteBuffer bytes) {
                consumer.accept(bytes);
            }

            @Override
            public boolean interrupted() {
                return interrupted || System.nanoTime() - deadline > 0;
            }
        });
        natives.add("callback registration", () -> AvioCallbacks.unregister(opaque));
        try {
            AVFormatContext made = new AVFormatContext(null);
            AvErrors.check(avformat_alloc_output_context2(made, null, format.ffmpegName(), url),
                    "avformat_alloc_output_context2", "cannot make a " + format + " muxer for " + target);
            context = made;
            natives.add("format context", () -> avformat_free_context(context));
            context.interrupt_callback().callback(AvioCallbacks.INTERRUPT).opaque(opaque);
            stream = avformat_new_stream(context, null);
            if (stream == null) {
                throw new MuxException("cannot add a stream to the " + format + " muxer (out of memory)");
            }
            microseconds = new AVRational().num(1).den(MICROSECONDS);
            natives.add("time base", microseconds::close);
            stream.time_base(microseconds);
            StreamParameters.describe(config, format, stream.codecpar());
            packet = av_packet_alloc();
            if (packet == null) {
                throw new MuxException("cannot allocate an AVPacket (out of memory)");
            }
            natives.add("packet", () -> av_packet_free(packet));
            if (consumer != null) {
                openConsumerOutput();
            } else if ((context.oformat().flags() & AVFMT_NOFILE) == 0) {
                openUrlOutput(url, urlOptions);
            }
            writeHeader();
        } catch (RuntimeException | Error e) {
            natives.close();
            throw e;
        }
    }

    /**
     * A muxer whose output goes to {@code consumer}, which gets each chunk avformat writes (the
     * buffer is valid during the call only) on the thread writing the packet. Writes the
     * container's header at once.
     *
     * @throws MuxException when the format does not carry the codec or the muxer refuses the stream
     */
    public static PacketMuxer toConsumer(MuxFormat format, CodecConfig config, Consumer<ByteBuffer> consumer) {
        if (consumer == null) {
            throw new IllegalArgumentException("consumer is required");
        }
        return new PacketMuxer(format, config, null, format.ffmpegName(), consumer, Map.of(), Long.MAX_VALUE / 2);
    }

    /**
     * A muxer that opens {@code url} itself and writes the header: connects (and for RTSP announces
     * the stream) before returning. Blocks on the network, each call for at most {@code timeout}.
     *
     * @param shownUrl the URL as logs may show it (secrets masked)
     * @param options  protocol options for {@code avio_open2}, e.g. {@code rw_timeout}
     * @throws MuxException naming the call and FFmpeg's error when the connection or the header fails
     */
    public static PacketMuxer toUrl(MuxFormat format, CodecConfig config, String url, String shownUrl,
                                    Map<String, String> options, long timeout, TimeUnit unit) {
        return new PacketMuxer(format, config, url, shownUrl, null, options, unit.toNanos(timeout));
    }

    private void openConsumerOutput() {
        BytePointer buffer = new BytePointer(av_malloc(IO_BUFFER_BYTES));
        if (buffer.isNull()) {
            throw new MuxException("cannot allocate " + IO_BUFFER_BYTES + " B of I/O buffer (out of memory)");
        }
        AVIOContext io = avio_alloc_context(buffer, IO_BUFFER_BYTES, 1, opaque, null, AvioCallbacks.WRITE, null);
        if (io == null) {
            av_free(buffer);
            throw new MuxException("cannot allocate an AVIOContext (out of memory)");
        }
        natives.add("I/O context", () -> {
            // avio may have replaced the buffer it was given: free the one it holds now.
            av_free(io.buffer());
            avio_context_free(io);
        });
        context.pb(io);
    }

    private void openUrlOutput(String url, Map<String, String> options) {
        AVIOContext io = new AVIOContext(null);
        AVDictionary dictionary = dictionary(options);
        int opened;
        try {
            startDeadline();
            opened = avio_open2(io, url, AVIO_FLAG_WRITE, context.interrupt_callback(), dictionary);
        } finally {
            av_dict_free(dictionary);
        }
        AvErrors.check(opened, "avio_open2", "cannot connect to " + target);
        natives.add("connection", () -> avio_closep(io));
        context.pb(io);
    }

    private void writeHeader() {
        AVDictionary dictionary = dictionary(format.options());
        int written;
        try {
            startDeadline();
            written = avformat_write_header(context, dictionary);
        } finally {
            av_dict_free(dictionary);
        }
        AvErrors.check(written, "avformat_write_header", "cannot start " + format + " for " + config.codec()
                + " " + config.width() + "x" + config.height() + " to " + target);
        headerWritten = true;
        flush();
    }

    private static AVDictionary dictionary(Map<String, String> options) {
        AVDictionary dictionary = new AVDictionary(null);
        options.forEach((key, value) -> av_dict_set(dictionary, key, value, 0));
        return dictionary;
    }

    /** The configuration this muxer declared in its header. */
    public CodecConfig config() {
        return config;
    }

    public MuxFormat format() {
        return format;
    }

    /**
     * Muxes one packet (copying its bytes once into FFmpeg's memory) and flushes what the container
     * has ready to the output.
     *
     * <p>HEVC in MP4 is tagged {@code hvc1}, and for that tag avformat's MP4 muxer leaves the
     * packet's in-band VPS, SPS and PPS out of the sample (FFmpeg 8.1; {@code Mp4CodecConfigTest}
     * checks it): the header's {@code hvcC} is then the only place a player finds them. That holds
     * while every packet belongs to the configuration this muxer was made with, so a caller ends the
     * muxer when the configuration changes ({@link MuxFormat#continuesAcross} is false for any MP4
     * change, and {@link CodecConfig} equality covers the parameter sets), as {@code HttpMuxSession}
     * and {@code PushConnection} do.
     *
     * @throws MuxException          when avformat or the output refuses it; the muxer is then broken:
     *                               close it
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void write(EncodedPacket encoded) {
        if (closed) {
            throw new IllegalStateException(format + " muxer to " + target + " is closed");
        }
        if (lastPts < 0) {
            firstCaptureNanos = encoded.captureNanos();
        }
        long pts = Math.max((encoded.captureNanos() - firstCaptureNanos) / 1000, lastPts + 1);
        lastPts = pts;
        int size = encoded.size();
        AvErrors.check(av_new_packet(packet, size), "av_new_packet", "cannot allocate a packet of " + size + " B");
        try {
            packet.data().put(encoded.bytes(), 0, size);
            packet.pts(pts).dts(pts).stream_index(0).flags(encoded.keyframe() ? AV_PKT_FLAG_KEY : 0);
            // The muxer may have picked its own time base in the header (90 kHz for MPEG-TS, ms for FLV).
            av_packet_rescale_ts(packet, microseconds, stream.time_base());
            startDeadline();
            int written = av_write_frame(context, packet);
            if (written < 0) {
                AvErrors.check(written, "av_write_frame", "cannot write a " + encoded.codec() + " packet to "
                        + format + " for " + target);
            }
        } finally {
            av_packet_unref(packet);
        }
        flush();
    }

    private void flush() {
        AVIOContext io = context.pb();
        if (io != null && !io.isNull()) {
            avio_flush(io);
            if (io.error() < 0) {
                AvErrors.check(io.error(), "avio_flush", "cannot write to " + target);
            }
        }
    }

    private void startDeadline() {
        deadline = System.nanoTime() + timeoutNanos;
    }

    /** Makes the blocking call in progress, and every later one, give up at once. Any thread; no lock. */
    public void interrupt() {
        interrupted = true;
    }

    /**
     * Ends the container — its trailer, flushed to the output; for RTSP the TEARDOWN that also
     * closes its connection — and frees everything. An output that is gone or interrupted makes the
     * trailer fail at once, which is only logged. Idempotent; waits for a write in progress on
     * another thread.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (headerWritten) {
                startDeadline();
                AvErrors.check(av_write_trailer(context), "av_write_trailer", "cannot end " + format + " to " + target);
                flush();
            }
        } catch (MuxException e) {
            log.debug("{}: {}", this, e.getMessage());
        } finally {
            natives.close();
        }
    }

    @Override
    public String toString() {
        return format + " muxer of " + config.codec() + " to " + target + (closed ? " (closed)" : "");
    }
}
