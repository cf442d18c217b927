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
import java.util.function.Consumer;
import org.slf4j.Logger;
import reactor.core.publisher.FluxSink;

/**
 * Sends a polling source's frames down its sink: numbers them (a dropped frame keeps its number,
 * so a gap shows downstream), notes a change of format (logged, and carried by the event), times
 * the capture and counts the frame. Damage is whole. It also keeps whether the display is on, so
 * that a display going off is shown as one black frame.
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
    private long sequence;
    /** Null until the source first saw the display on or off. */
    private Boolean displayOn;

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
     * Notes that the display shows something; true when it is back after being off (not when it
     * is first seen).
     */
    public boolean displayOn() {
        boolean back = Boolean.FALSE.equals(displayOn);
        displayOn = true;
        return back;
    }

    /**
     * Notes that the display is off (nothing is scanned out). When it just went off, or is off
     * from the start, emits one black frame, handing {@code announce} its format first (to log
     * it); while it stays off, does nothing.
     */
    public void displayOff(String name, FramePool pool, long captureNanos, Consumer<VideoFormat> announce) {
        if (Boolean.FALSE.equals(displayOn)) {
            return;
        }
        displayOn = false;
        VideoFormat blank = blankFormat();
        announce.accept(blank);
        emit(name, black(pool, blank), captureNanos);
    }

    /**
     * The format a display that went off is shown black at: the last one when it is RGB, else
     * XR24 at the last size, or at VGA's mode when nothing was emitted yet.
     */
    private VideoFormat blankFormat() {
        if (lastFormat != null && lastFormat.format().isRgb()) {
            return lastFormat;
        }
        return new VideoFormat(DrmFormat.XR24, lastFormat == null ? NEVER_ON.width() : lastFormat.width(),
                lastFormat == null ? NEVER_ON.height() : lastFormat.height());
    }

    /** A black frame of {@code format} (an RGB one) from {@code pool}; the caller owns it. */
    private static Frame black(FramePool pool, VideoFormat format) {
        Frame frame = pool.acquire(format);
        // All-zero bytes are black in every RGB format.
        new Pointer(frame.memory().address()).setMemory(0, frame.memory().size(), (byte) 0);
        return frame;
    }

    /**
     * Counts a frame the source dropped (a bad one): it takes the next sequence number, which is
     * returned (for the message that says why), and is never emitted.
     */
    public long skip() {
        return sequence++;
    }

    /**
     * Emits {@code frame} with the next sequence number; its reference passes to the sink (a
     * cancel from here on discards the event through the discard hook, which releases it).
     */
    public void emit(String name, Frame frame, long captureNanos) {
        VideoFormat format = frame.videoFormat();
        Optional<VideoFormat> change = format.equals(lastFormat) ? Optional.empty() : Optional.of(format);
        if (change.isPresent() && lastFormat != null) {
            log.info(changed, name, lastFormat, format);
        }
        lastFormat = format;
        meters.stageTook(Stage.CAPTURE, System.nanoTime() - captureNanos);
        meters.frameCaptured();
        sink.next(new FrameEvent(frame, Damage.whole(), sequence++, captureNanos, change));
    }
}
