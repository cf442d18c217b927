package io.scanout.encode.internal;

import static io.scanout.encode.internal.FfmpegErrors.AVERROR_EAGAIN;
import static io.scanout.encode.internal.FfmpegErrors.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_P010LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncodeException;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.YuvColour;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * One open FFmpeg encoder for one format and size, software or hardware. Native state, made in steps
 * and freed in reverse ({@link NativeChain}): for hardware the device ({@link HardwareDevice}) and a
 * frames context ({@link HardwareFrames}); the {@code AVCodecContext}; an {@code AVFrame} pointed at
 * each input frame's planes in place; for hardware an {@code AVFrame} for the surface; the
 * {@code AVPacket} packets are received into; and, when the encoder takes the other 4:2:0 layout than
 * its input, an {@link InputConverter}.
 *
 * <p>Input: CPU frames of {@link #format()} (uploaded to a surface for hardware, repacked for an
 * encoder that takes the other of NV12/I420), or — opened with {@code dmaBufInput} on VAAPI — dma-buf
 * frames, imported as surfaces without a copy ({@code av_hwframe_map} of a DRM_PRIME frame); RGB
 * dma-bufs then become NV12 surfaces on the GPU ({@link VaapiColourConversion}).
 *
 * <p>Ownership: this object owns its native objects and frees them once, in {@link #close()}. It never
 * owns the caller's frames: FFmpeg takes its own reference to a frame's memory (or dma-buf) for as
 * long as it reads it (see {@link FrameBuffers}).
 *
 * <p>Threads: an FFmpeg context is not thread-safe. Use an instance from one thread at a time (the
 * encode stage's own thread). Every method blocks for the encoding it does.
 */
public final class FfmpegEncoder implements AutoCloseable {
    /** Timestamps are microseconds: capture times give them, so a variable frame rate needs no rounding. */
    public static final int TIME_BASE_DEN = 1_000_000;
    /** {@code AV_FRAME_FLAG_KEY} ({@code 1 << 1} in libavutil/frame.h); the presets do not map it. */
    static final int AV_FRAME_FLAG_KEY = 1 << 1;

    private final EncoderCandidate encoder;
    private final VideoFormat format;
    private final boolean dmaBufInput;
    private final NativeChain natives = new NativeChain();
    private final HardwareDevice device;
    private final HardwareFrames frames;
    /** For RGB dma-bufs: their surfaces to NV12 ones on the GPU; null otherwise. */
    private final VaapiColourConversion colourConversion;
    private final AVCodecContext context;
    private final AVFrame picture;
    private final AVFrame surface;
    /** The NV12 surface {@link #colourConversion} made of {@link #surface}; null without it. */
    private final AVFrame converted;
    private final AVPacket packet;
    private final InputConverter converter;
    private final AddressPointer[] planes;
    private final int inputPixelFormat;
    /**
     * What the encoder is opened with for CPU frames: its 8-bit format, or for P010 frames its 10-bit
     * one ({@link EncoderCandidate#pixelFormatFor}), so a 10-bit picture is encoded at 10 bits.
     */
    private final int encoderPixelFormat;
    /** Each frame's damage as regions of interest, for encoders that read them; null otherwise or when off. */
    private final DamageRegions regions;
    /** The YUV matrix and range the frames are in, tagged on each frame and in the stream. */
    private final YuvColour colour;
    private long bitrate;
    private boolean draining;
    private boolean closed;

    /** Opens {@code encoder} for CPU frames of {@code format}; see {@link #FfmpegEncoder(EncoderCandidate, VideoFormat, boolean, EncoderSettings)}. */
    public FfmpegEncoder(EncoderCandidate encoder, VideoFormat format, EncoderSettings settings) {
        this(encoder, format, false, settings);
    }

    /**
     * Opens {@code encoder} for frames of {@code format}: CPU frames, or dma-bufs when {@code dmaBufInput}.
     *
     * @throws EncoderUnavailableException when this encoder cannot serve here — not in the build, no
     *                                     device, the device or the encoder does not open (naming the
     *                                     call and its error) — and the next one in rank may
     * @throws EncodeException             when the format is not one the encoder takes at all
     */
    public FfmpegEncoder(EncoderCandidate encoder, VideoFormat format, boolean dmaBufInput, EncoderSettings settings) {
        encoder.checkAccepts(format, dmaBufInput);
        this.encoder = encoder;
        this.format = format;
        this.dmaBufInput = dmaBufInput;
        this.bitrate = settings.bitrate();
        this.colour = settings.colour();
        String name = encoder.ffmpegName();
        AVCodec codec = avcodec_find_encoder_by_name(name);
        if (codec == null) {
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.NOT_BUILT,
                    name + " is not in this FFmpeg build");
        }
        int least = encoder.minimumDimension();
        if (format.width() < least || format.height() < least) {
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.OPEN_FAILED, name
                    + " encodes pictures of at least " + least + "x" + least + ", not " + format.width() + "x"
                    + format.height());
        }
        encoderPixelFormat = dmaBufInput ? encoder.pixelFormat() : encoder.pixelFormatFor(format.format());
        inputPixelFormat = dmaBufInput ? EncoderCandidate.dmaBufPixelFormat(format.format())
                : cpuPixelFormat(format.format());
        try {
            HardwareType hardware = encoder.hardware();
            if (hardware != null) {
                device = natives.add("device", dmaBufInput ? HardwareDevice.openDrmWithVaapi(settings.devicePath())
                        : HardwareDevice.open(hardware, settings.devicePath()), HardwareDevice::close);
                int surfaceFormat = dmaBufInput ? inputPixelFormat : encoderPixelFormat;
                frames = natives.add("frames", new HardwareFrames(device, surfaceFormat, format.width(),
                        format.height()), HardwareFrames::close);
                colourConversion = dmaBufInput && format.format().isRgb()
                        ? natives.add("colour conversion", new VaapiColourConversion(frames, format.width(),
                                format.height(), TIME_BASE_DEN, settings.colour()), VaapiColourConversion::close)
                        : null;
            } else {
                device = null;
                frames = null;
                colourConversion = null;
            }
            context = natives.add("codec context", avcodec_alloc_context3(codec), c -> avcodec_free_context(c));
            if (context == null) {
                throw new EncodeException("cannot allocate a " + name + " context (out of memory)");
            }
            configure(settings);
            int opened = avcodec_open2(context, codec, (AVDictionary) null);
            if (opened < 0) {
                throw new EncoderUnavailableException(EncoderUnavailableException.Reason.OPEN_FAILED,
                        "cannot open " + name + " for " + format + " at " + settings.bitrate() + " bit/s"
                                + (device == null ? "" : " on " + device) + " ("
                                + FfmpegErrors.describe("avcodec_open2", opened) + ")");
            }
            picture = natives.add("picture", av_frame_alloc(), f -> av_frame_free(f));
            surface = hardware == null ? null : natives.add("surface", av_frame_alloc(), f -> av_frame_free(f));
            converted = colourConversion == null ? null
                    : natives.add("converted surface", av_frame_alloc(), f -> av_frame_free(f));
            if (picture == null || hardware != null && surface == null || colourConversion != null && converted == null) {
                throw new EncodeException("cannot allocate an AVFrame for " + name + " (out of memory)");
            }
            packet = natives.add("packet", av_packet_alloc(), p -> av_packet_free(p));
            if (packet == null) {
                throw new EncodeException("cannot allocate an AVPacket for " + name + " (out of memory)");
            }
            converter = dmaBufInput || inputPixelFormat == encoderPixelFormat ? null
                    : natives.add("converter", new InputConverter(inputPixelFormat, encoderPixelFormat,
                            format.width(), format.height()), InputConverter::close);
        } catch (RuntimeException | Error e) {
            natives.close();
            throw e;
        }
        planes = new AddressPointer[format.format().planeCount()];
        for (int p = 0; p < planes.length; p++) {
            planes[p] = new AddressPointer();
        }
        regions = settings.damageRoi() && DamageRegions.readBy(encoder)
                ? new DamageRegions(encoder, format.width(), format.height()) : null;
    }

    private static int cpuPixelFormat(DrmFormat format) {
        return switch (format) {
            case NV12 -> AV_PIX_FMT_NV12;
            case YU12 -> AV_PIX_FMT_YUV420P;
            case P010 -> AV_PIX_FMT_P010LE;
            default -> throw new EncodeException("no encoder takes " + format + " frames in CPU memory");
        };
    }

    private void configure(EncoderSettings settings) {
        AVCodecContext c = context;
        c.width(format.width());
        c.height(format.height());
        if (frames != null) {
            c.pix_fmt(encoder.hardware().pixelFormat());
            c.sw_pix_fmt(colourConversion != null ? AV_PIX_FMT_NV12 : dmaBufInput ? inputPixelFormat
                    : encoderPixelFormat);
            // The context takes this reference and drops it when it is freed.
            c.hw_frames_ctx(colourConversion != null ? colourConversion.newOutputFramesReference()
                    : frames.newReference());
        } else {
            c.pix_fmt(encoderPixelFormat);
        }
        try (AVRational timeBase = new AVRational().num(1).den(TIME_BASE_DEN);
             AVRational frameRate = new AVRational().num(settings.frameRate()).den(1)) {
            // Copied into the context by value; the try frees our two small structs now, not at GC.
            c.time_base(timeBase);
            c.framerate(frameRate);
        }
        c.gop_size(settings.keyframeIntervalFrames());
        if (encoder == EncoderCandidate.OPENH264) {
            // FFmpeg hands qmax (31 by default) to OpenH264 as its highest QP: too low for a CBR stream of
            // busy content to stay at its bitrate. 51 is H.264's highest.
            c.qmax(51);
        }
        // B-frames would hold frames back for reordering: latency a remote display cannot afford.
        c.max_b_frames(0);
        setRate(settings.bitrate());
        // What the convert stage produces; written into the SPS (sequence header, VUI) so decoders convert back the same way.
        ColourTags.apply(colour, c);
        // x264's zerolatency tuning threads by slices, which adds no delay; libvpx threads only where it pays.
        c.thread_count(EncoderOptions.threadCount(encoder, format.width(), format.height(),
                Runtime.getRuntime().availableProcessors()));
        for (String[] option : EncoderOptions.privateOptions(encoder, settings)) {
            check(av_opt_set(c.priv_data(), option[0], option[1], 0), "av_opt_set",
                    "cannot set " + encoder.ffmpegName() + " option " + option[0] + "=" + option[1]);
        }
    }

    /**
     * CBR-like: average and peak at the bitrate, half a second of buffer, 90 % full at the start
     * (x264's own default; libvpx's would be 4 s, past the end of a half-second buffer, and starve the
     * frames after the first keyframe). libvpx takes min = max = average as CBR.
     */
    private void setRate(long bitsPerSecond) {
        int buffer = (int) (bitsPerSecond / 2);
        context.bit_rate(bitsPerSecond);
        context.rc_max_rate(bitsPerSecond);
        context.rc_min_rate(bitsPerSecond);
        context.rc_buffer_size(buffer);
        context.rc_initial_buffer_occupancy(buffer / 10 * 9);
    }

    public EncoderCandidate encoder() {
        return encoder;
    }

    /** The format and size this encoder was opened for. */
    public VideoFormat format() {
        return format;
    }

    /** Whether it takes dma-buf frames (imported on the GPU) rather than CPU frames. */
    public boolean takesDmaBufs() {
        return dmaBufInput;
    }

    /** The bitrate it encodes at now. */
    public long bitrate() {
        return bitrate;
    }

    /**
     * Changes the bitrate from the next frame on, if this encoder can without re-opening (libx264).
     *
     * @return whether it did; when false the caller re-opens the encoder with the new settings
     */
    public boolean setBitrate(long bitsPerSecond) {
        checkOpen();
        if (!EncoderOptions.reconfiguresBitrate(encoder)) {
            return false;
        }
        setRate(bitsPerSecond);
        bitrate = bitsPerSecond;
        return true;
    }

    /**
     * Sends one frame. FFmpeg takes its own reference to the frame's memory (or dma-buf); the caller
     * keeps its reference and may release it as soon as this returns. Collect the packets with
     * {@link #receive(PacketSink)} before the next send.
     *
     * @param ptsMicros strictly greater than the previous frame's
     * @param keyframe  encode this frame as an IDR, whatever the keyframe interval says
     * @throws EncodeException when the frame is not of this encoder's format or FFmpeg refuses it
     */
    public void send(Frame frame, long ptsMicros, boolean keyframe) {
        send(frame, Damage.whole(), ptsMicros, keyframe);
    }

    /**
     * Like {@link #send(Frame, long, boolean)}, telling the encoder what changed since the previous
     * frame ({@code damage}, in this encoder's frame coordinates): encoders that read regions of
     * interest spend more bits there ({@link DamageRegions}), unless the settings turned that off.
     */
    public void send(Frame frame, Damage damage, long ptsMicros, boolean keyframe) {
        checkOpen();
        if (draining) {
            throw new IllegalStateException(encoder.ffmpegName() + " was flushed; it takes no more frames");
        }
        if (frame.isDmaBuf() != dmaBufInput || !frame.videoFormat().equals(format)) {
            encoder.checkAccepts(frame.videoFormat(), frame.isDmaBuf());
            throw new EncodeException(encoder.ffmpegName() + " was opened for " + describeInput() + ", got a "
                    + frame.videoFormat() + (frame.isDmaBuf() ? " dma-buf" : "") + " frame");
        }
        int sent;
        try {
            AVFrame input;
            if (dmaBufInput) {
                DrmPrimeFrames.describe(frame, picture);
                setProperties(picture, ptsMicros, keyframe);
                frames.map(picture, surface);
                input = surface;
                if (colourConversion != null) {
                    colourConversion.convert(surface, converted);
                    setProperties(converted, ptsMicros, keyframe);
                    input = converted;
                }
            } else {
                describeCpuFrame(frame);
                setProperties(picture, ptsMicros, keyframe);
                input = converter == null ? picture : converter.convert(picture);
                if (frames != null) {
                    frames.upload(input, surface);
                    input = surface;
                }
            }
            if (regions != null) {
                // Replaces what an earlier frame left on a reused AVFrame (the converter's); freed with the frame.
                regions.attach(input, damage, keyframe);
            }
            sent = avcodec_send_frame(context, input);
        } finally {
            // Drops our references (FFmpeg holds its own while it needs the pixels) and resets the
            // AVFrames for the next frame.
            if (converted != null) {
                av_frame_unref(converted);
            }
            if (surface != null) {
                av_frame_unref(surface);
            }
            av_frame_unref(picture);
        }
        check(sent, "avcodec_send_frame", "cannot encode a " + format + " frame with " + encoder.ffmpegName());
    }

    private void describeCpuFrame(Frame frame) {
        PlaneLayout layout = frame.layout();
        picture.buf(0, FrameBuffers.lend(frame));
        for (int p = 0; p < planes.length; p++) {
            picture.data(p, planes[p].at(frame.planeAddress(p)));
            picture.linesize(p, layout.stride(p));
        }
        picture.width(format.width()).height(format.height()).format(inputPixelFormat);
    }

    private void setProperties(AVFrame f, long ptsMicros, boolean keyframe) {
        f.pts(ptsMicros);
        ColourTags.apply(colour, f);
        f.pict_type(keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        f.flags(keyframe ? AV_FRAME_FLAG_KEY : 0);
    }

    /** Hands every packet the encoder has ready to {@code sink}; returns when it needs more input. */
    public void receive(PacketSink sink) {
        checkOpen();
        while (true) {
            int got = avcodec_receive_packet(context, packet);
            if (got == AVERROR_EAGAIN || got == AVERROR_EOF) {
                return;
            }
            check(got, "avcodec_receive_packet", "cannot take a packet from " + encoder.ffmpegName());
            try {
                byte[] data = new byte[packet.size()];
                packet.data().get(data, 0, data.length);
                boolean flagged = (packet.flags() & AV_PKT_FLAG_KEY) != 0;
                sink.packet(data, packet.pts(), flagged && Keyframes.decoderCanStart(encoder.codec(), data));
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    /** Tells the encoder no frame follows and hands what it still holds to {@code sink}. Idempotent. */
    public void flush(PacketSink sink) {
        checkOpen();
        if (!draining) {
            draining = true;
            int sent = avcodec_send_frame(context, (AVFrame) null);
            if (sent != AVERROR_EOF) {
                check(sent, "avcodec_send_frame", "cannot flush " + encoder.ffmpegName());
            }
        }
        receive(sink);
    }

    /** Frees everything it made, last made first; idempotent. Any thread, once no other uses it. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            natives.close();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Frames whose memory FFmpeg holds right now, over all encoders; 0 once they are idle or closed. */
    public static int framesHeldByFfmpeg() {
        return FrameBuffers.lent();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(encoder.ffmpegName() + " for " + format + " is closed");
        }
    }

    private String describeInput() {
        return format + (dmaBufInput ? " dma-bufs" : "");
    }

    @Override
    public String toString() {
        return encoder.ffmpegName() + " " + describeInput() + (device == null ? "" : " on " + device)
                + (closed ? " (closed)" : "");
    }
}
