package io.scanout.encode;

import io.scanout.core.CodecConfig;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FrameEvent;
import io.scanout.core.metrics.StreamMeters;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The encode stage: H.264, HEVC, VP8, VP9 or AV1 through FFmpeg — hardware (VAAPI, NVENC, QSV, Vulkan) where
 * it opens, software (libx264, libopenh264, libx265, libvpx, SVT-AV1) otherwise — frames in, packets
 * out. Apply it with {@code frames.transform(encode)}.
 *
 * <p>Takes frames of {@link #inputFormat()} in CPU memory with an even width and height (the convert
 * stage makes them), and — when the planned encoder is VAAPI — dma-bufs of {@link #dmaBufFormats()},
 * imported without a copy; any other frame ends the flux with an {@link EncodeException} naming its
 * format. Gives one {@link EncodedPacket} per frame, usually: H.264 (Annex B, SPS and PPS in every
 * keyframe), HEVC (Annex B, VPS/SPS/PPS in every keyframe), VP8 and VP9 frames, AV1 temporal units
 * (the sequence header OBU in every keyframe), so any keyframe is a starting point, and each packet
 * carries the {@link CodecConfig} of the encoder that made it.
 *
 * <p>Encoder choice: {@link #create} ranks the encoders the settings allow (hardware first) and plans
 * on the best one that is in the FFmpeg build and whose device opens; each subscription opens it at
 * its stream's size on the first frame, and falls back to the next in rank if it does not open there.
 * Every encoder passed over is logged once, counted in {@code scanout.encoder.fallbacks} (tags
 * {@code encoder}, {@code reason}) and listed with its reason by {@link #candidates()}.
 *
 * <p>Each subscription gets its own encoder, opened on the first frame and re-opened when the
 * frame size, format or kind changes, and its own thread ({@code scanout-encode-N}) on which every
 * FFmpeg call of that encoder runs. The encoder is flushed on completion and freed on completion,
 * error and cancellation. Every frame event that comes in is released exactly once, dropped ones
 * included. At most one frame waits while another is being encoded, so a source with
 * {@code onBackpressureLatest} hands over its newest frame.
 *
 * <p>{@link #requestKeyframe()}, {@link #setBitrate(long)}, {@link #setFrameRate(int)},
 * {@link #currentConfig()} and the other getters may be called from any thread and never block;
 * changes take effect before the next frame each running encoder takes.
 */
public final class EncodeVideo implements Function<Flux<FrameEvent>, Flux<EncodedPacket>> {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeVideo.class);

    private final AtomicReference<EncoderSettings> settings;
    private final StreamMeters meters;
    private final EncoderLineup lineup;
    private final AtomicLong keyframeRequests = new AtomicLong();
    private final AtomicReference<CodecConfig> config = new AtomicReference<>();
    private final AtomicReference<String> encoderInUse = new AtomicReference<>();

    private EncodeVideo(EncoderSettings settings, StreamMeters meters, EncoderLineup lineup) {
        this.settings = new AtomicReference<>(settings);
        this.meters = meters;
        this.lineup = lineup;
    }

    /**
     * The stage for these settings, planned on the best encoder they allow that is in this FFmpeg
     * build and whose device opens (probing devices blocks briefly; the choice is logged once).
     * No encoder is opened until a flux is subscribed and its first frame arrives.
     *
     * @throws EncodeException when no encoder the settings allow can serve, listing each and why
     */
    public static EncodeVideo create(EncoderSettings settings, StreamMeters meters) {
        return new EncodeVideo(settings, meters, EncoderLineup.resolve(settings, new EncoderMeters(meters)));
    }

    /** The stage over a lineup made elsewhere (tests rank encoders as other FFmpeg builds would). */
    static EncodeVideo create(EncoderSettings settings, StreamMeters meters, EncoderLineup lineup) {
        return new EncodeVideo(settings, meters, lineup);
    }

    /**
     * The pixel format CPU frames must have: NV12 for libx264 and hardware encoders, YU12 (I420) for
     * the others; P010 under {@code --bit-depth 10} ({@link BitDepth#TEN}). Frames of sources of more
     * than 8 bits may be {@link #highDepthFormat()} instead.
     */
    public DrmFormat inputFormat() {
        return lineup.inputFormat();
    }

    /**
     * The pixel format CPU frames of sources of more than 8 bits per component (XR30, AR30, P010)
     * must have: P010 when they are encoded at 10 bits ({@link BitDepth#AUTO} with HEVC, VP9 or AV1
     * on an encoder that takes 10 bits, or {@link BitDepth#TEN}); empty when they go at
     * {@link #inputFormat()} like the others. The convert stage makes it
     * ({@code ConvertSettings.withHighDepthTarget}); the encoder re-opens at 10 bits when frames
     * turn to P010, and back when they turn to 8 bits.
     */
    public Optional<DrmFormat> highDepthFormat() {
        return lineup.highDepthFormat();
    }

    /**
     * The dma-buf formats taken without a copy: NV12, P010 and 32-bit RGB when VAAPI is planned, none
     * otherwise. P010 only when this stage encodes 10-bit frames at 10 bits: else the convert stage
     * rounds them to 8 bits on the CPU.
     */
    public Set<DrmFormat> dmaBufFormats() {
        Set<DrmFormat> formats = lineup.planned().dmaBufFormats();
        if (highDepthFormat().isEmpty() && inputFormat() != DrmFormat.P010) {
            formats.remove(DrmFormat.P010);
        }
        return formats;
    }

    /**
     * FFmpeg's name of the encoder in use, e.g. {@code libx264}: the one opened most recently by any
     * subscription, or before that the one planned. The {@code encoder} tag of the metrics.
     */
    public String encoderName() {
        String inUse = encoderInUse.get();
        return inUse != null ? inUse : lineup.planned().ffmpegName();
    }

    /**
     * Every encoder the settings allow, by rank, with what became of it: passed over and why, planned,
     * not tried. For the planned one {@code opens} means it is built in and its device opened; the
     * encoder itself opens at each stream's size, and if it fails there its entry turns to the reason
     * and the next one down is used.
     */
    public List<ProbeResult> candidates() {
        return lineup.status();
    }

    /** The settings now, with the latest {@link #setBitrate(long)} and {@link #setFrameRate(int)} applied. */
    public EncoderSettings settings() {
        return settings.get();
    }

    /**
     * Changes the target bitrate of every running encoder before its next frame: libx264 in place,
     * the others by re-opening (their next packet is a keyframe with its configuration in band). Any
     * thread; does not block.
     *
     * @throws IllegalArgumentException when the bitrate is outside the bounds of {@link EncoderSettings}
     */
    public void setBitrate(long bitsPerSecond) {
        EncoderSettings.defaults().withBitrate(bitsPerSecond);
        settings.updateAndGet(s -> s.withBitrate(bitsPerSecond));
    }

    /**
     * Changes the nominal frame rate of every running encoder before its next frame, by re-opening it
     * (rate control budgets bits per frame by it). Timestamps still come from capture times. Any
     * thread; does not block.
     *
     * @throws IllegalArgumentException when the rate is outside the bounds of {@link EncoderSettings}
     */
    public void setFrameRate(int framesPerSecond) {
        EncoderSettings.defaults().withFrameRate(framesPerSecond);
        settings.updateAndGet(s -> s.withFrameRate(framesPerSecond));
    }

    /**
     * Asks for an IDR keyframe: the next frame each running encoder takes is encoded as one (a
     * viewer joined or fell behind). Requests made while a frame is encoding coalesce into one.
     * Any thread; does not block.
     */
    public void requestKeyframe() {
        meters.keyframeRequested();
        keyframeRequests.incrementAndGet();
    }

    /** The configuration of the latest keyframe encoded, by any subscription; empty before the first one. */
    public Optional<CodecConfig> currentConfig() {
        return Optional.ofNullable(config.get());
    }

    @Override
    public Flux<EncodedPacket> apply(Flux<FrameEvent> frames) {
        return Flux.defer(() -> {
            Scheduler thread = Schedulers.newSingle("scanout-encode", true);
            EncodeSession session = new EncodeSession(lineup, settings::get, meters, keyframeRequests, config::set,
                    encoderInUse::set);
            return frames
                    // One frame may wait while one encodes: the source keeps the newest, not a queue.
                    .publishOn(thread, 1)
                    // No fusion across the thread hop, so that map's function runs in onNext, on the
                    // encoder thread, and never in a poll from a downstream thread.
                    .hide()
                    .map(session::encode)
                    // Subscribed from onComplete, on the encoder thread.
                    .concatWith(Flux.defer(() -> Flux.just(session.finish())))
                    .concatMapIterable(Function.<List<EncodedPacket>>identity(), 1)
                    .doFinally(signal -> closeOn(thread, session));
        }).doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    /**
     * Frees the encoder on its own thread, after whatever it is doing now (cancel comes from any
     * thread), then ends that thread.
     */
    private static void closeOn(Scheduler thread, EncodeSession session) {
        try {
            thread.schedule(() -> {
                try {
                    session.close();
                } finally {
                    thread.dispose();
                }
            });
        } catch (RejectedExecutionException e) {
            // The thread is gone already, so nothing else can be using the encoder: free it here.
            LOG.warn("encoder thread already stopped; freeing its encoder on {}", Thread.currentThread().getName(), e);
            session.close();
        }
    }

    @Override
    public String toString() {
        return "EncodeVideo[" + encoderName() + ", " + settings.get() + "]";
    }
}
