package io.scanout.convert;

import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.util.Set;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * The convert stage: frames of any {@link DrmFormat} in, frames in the encoder's format out, as
 * {@link ConvertSettings} say — NV12, YU12 (I420) or P010; BT.709 limited range by default, BT.601
 * and full range on request ({@link Colorimetry}); cropped and scaled on request
 * ({@link Scaling}); an odd size kept as it is gains one column or row repeating the edge.
 * Applied with {@code frames.transform(NormalizeFormat.with(settings, pool, meters))}, after
 * {@link DetectChanges} when the source does not report damage.
 *
 * <p>Takes: XR24, AR24, XB24, AB24, RG24, BG24, RG16, XR30, AR30 (alpha ignored), NV12, YU12,
 * YUYV, P010, at any stride. Gives: {@link ConvertSettings#target()} at
 * {@link FrameConverter#outputFormat} — or, for a frame of more than 8 bits per component (XR30,
 * AR30, P010), {@link ConvertSettings#highDepthTarget()} when one is set (P010 for an encoder that
 * takes 10 bits), so the choice is made frame by frame and follows a source that changes format. An event already in the target format at an even size,
 * with nothing to crop or scale and YUV read as it is written, is handed on as it is (same event,
 * no copy), dma-buf or not.
 *
 * <p>Each output event keeps the input's sequence and capture time, its damage carried to output
 * pixels ({@link FrameConverter#outputDamage}), and carries the output format when the input
 * carried a format change. The input frame is released after its conversion, whether it
 * succeeded or not.
 *
 * <p>Bad frames do not end the stream: a frame the converter cannot take (a dma-buf frame needing
 * a CPU mapping, a crop that does not fit it, a format or size libswscale refuses) is released,
 * counted as dropped with reason {@code error}, logged once per cause with the format and size,
 * and the stage goes on with the next frame. Only a failure of the stage itself (its frame pool
 * closed) is an error signal.
 *
 * <p>Threads: converts on the thread that delivers each frame, blocking it for the conversion (a
 * few milliseconds for 1080p; a large frame may be spread over helper threads, the converter's own
 * for 32-bit RGB to NV12, YU12 and P010, libswscale's for the rest — {@link FrameConverter}). Each
 * subscription has its own converter state (libswscale contexts or helper threads), used by that
 * one delivering thread at a time as Reactor's serial {@code onNext} guarantees; it is made on the
 * first frame, re-made on a format change, and freed on complete, error or cancel — after a
 * conversion in progress, when a cancel comes from another thread.
 */
public final class NormalizeFormat implements Function<Flux<FrameEvent>, Flux<FrameEvent>> {
    private final ConvertSettings settings;
    private final FramePool pool;
    private final StreamMeters meters;
    private final Set<DrmFormat> dmaBufsPassed;

    private NormalizeFormat(ConvertSettings settings, FramePool pool, StreamMeters meters, Set<DrmFormat> dmaBufsPassed) {
        if (settings == null || pool == null || meters == null || dmaBufsPassed == null) {
            throw new IllegalArgumentException("settings, pool, meters and dmaBufsPassed are required");
        }
        this.settings = settings;
        this.pool = pool;
        this.meters = meters;
        this.dmaBufsPassed = Set.copyOf(dmaBufsPassed);
    }

    /**
     * The stage converting to {@code target} with the default settings ({@link ConvertSettings#to}),
     * output frames from {@code pool}.
     *
     * @throws IllegalArgumentException when {@code target} is not NV12, YU12 or P010
     */
    public static NormalizeFormat to(DrmFormat target, FramePool pool, StreamMeters meters) {
        return with(ConvertSettings.to(target), pool, meters);
    }

    /** The stage making what {@code settings} say, output frames from {@code pool}. */
    public static NormalizeFormat with(ConvertSettings settings, FramePool pool, StreamMeters meters) {
        return new NormalizeFormat(settings, pool, meters, Set.of());
    }

    /**
     * The same stage, handing dma-buf frames of these formats on untouched: for an encoder that
     * imports them itself (VAAPI), so they never cross to the CPU. Dma-bufs of other formats are
     * still read with one CPU copy and converted.
     */
    public NormalizeFormat passingDmaBufs(Set<DrmFormat> formats) {
        return new NormalizeFormat(settings, pool, meters, formats);
    }

    public ConvertSettings settings() {
        return settings;
    }

    public DrmFormat target() {
        return settings.target();
    }

    @Override
    public Flux<FrameEvent> apply(Flux<FrameEvent> frames) {
        return Flux.using(() -> new NormalizeSession(FrameConverter.create(settings, pool), meters, dmaBufsPassed),
                        session -> frames.handle(session::onEvent),
                        NormalizeSession::close)
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    @Override
    public String toString() {
        return "NormalizeFormat[" + settings + "]";
    }
}
