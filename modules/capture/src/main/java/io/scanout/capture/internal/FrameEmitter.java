package io.scanout.capture.internal;

import com.sun.jna.Pointer;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import java.util.Optional;
import org.slf4j.Logger;
import reactor.core.publisher.FluxSink;

/**
 * Sends a polling source's frames down its sink: notes a change of format (logged, and carried by
 * the event), times the capture and counts the frame. Damage is whole.
 *
 * <p>Owned by the source's polling thread, the only one that calls it; not thread-safe.
 * {@link #emit} does not block.
 */
public final class FrameEmitter {
    /** What a display that was never on blanks at: VGA's mode. */
    private static final VideoFormat NEVER_ON = new VideoFormat(DrmFormat.XR24, 640, 480);

    private final FluxSink<FrameEvent> sink;
    private final StreamMeters meters;
    private final Logger log;
    private final String changed;
    private VideoFormat lastFormat;

    /**
     * @param changed the message logged at INFO when the format changes, with three {@code {}}: the
     *                source's name, the old format, the new one
     */
    public FrameEmitter(FluxSink<FrameEvent> sink, StreamMeters meters, Logger log, String changed) {
        this.sink = sink;
        this.meters = meters;
        this.log = log;
        this.changed = changed;
    }

    /** The format of the last frame emitted, or null before the first. */
    public VideoFormat lastFormat() {
        return lastFormat;
    }

    /**
     * The format a display that went off is shown black at: the last one when it is RGB, else
     * XR24 at the last size, or at VGA's mode when nothing was emitted yet.
     */
    public VideoFormat blankFormat() {
        if (lastFormat != null && lastFormat.format().isRgb()) {
            return lastFormat;
        }
        return new VideoFormat(DrmFormat.XR24, lastFormat == null ? NEVER_ON.width() : lastFormat.width(),
                lastFormat == null ? NEVER_ON.height() : lastFormat.height());
    }

    /** A black frame of {@code format} (an RGB one) from {@code pool}; the caller owns it. */
    public static Frame black(FramePool pool, VideoFormat format) {
        Frame frame = pool.acquire(format);
        // All-zero bytes are black in every RGB format.
        new Pointer(frame.memory().address()).setMemory(0, frame.memory().size(), (byte) 0);
        return frame;
    }

    /**
     * Emits {@code frame}, whose reference passes to the sink (a cancel from here on discards the
     * event through the discard hook, which releases it).
     */
    public void emit(String name, Frame frame, long sequence, long captureNanos) {
        VideoFormat format = frame.videoFormat();
        Optional<VideoFormat> change = format.equals(lastFormat) ? Optional.empty() : Optional.of(format);
        if (change.isPresent() && lastFormat != null) {
            log.info(changed, name, lastFormat, format);
        }
        lastFormat = format;
        meters.stageTook(Stage.CAPTURE, System.nanoTime() - captureNanos);
        meters.frameCaptured();
        sink.next(new FrameEvent(frame, Damage.whole(), sequence, captureNanos, change));
    }
}
