package io.scanout.core;

import java.util.Optional;

/**
 * One framebuffer update: the frame, what changed since the previous event, its sequence number
 * and capture time, and — on the first event and whenever the display's format or size changes —
 * the new {@link VideoFormat}, on which downstream stages re-initialise.
 *
 * <p>Owns its frame reference: whoever receives an event passes it on or calls {@link #release()}.
 * Operators' drops are caught with {@code doOnDiscard(FrameEvent.class, FrameEvent::release)}.
 *
 * @param frame          the image; one reference, owned by the event
 * @param damage         what changed since the previous event of the same stream
 * @param sequence       increases by one per captured frame (gaps mean frames were dropped)
 * @param captureNanos   {@link System#nanoTime()} when the source took the image
 * @param formatChange   the new format, present on the first event and when it changes
 */
public record FrameEvent(Frame frame, Damage damage, long sequence, long captureNanos,
                         Optional<VideoFormat> formatChange) {
    public FrameEvent {
        if (frame == null || damage == null || formatChange == null) {
            throw new IllegalArgumentException("frame, damage and formatChange are required");
        }
    }

    /** Releases the frame reference; idempotent. */
    public void release() {
        frame.release();
    }

    public boolean isFormatChange() {
        return formatChange.isPresent();
    }

    public VideoFormat videoFormat() {
        return frame.videoFormat();
    }

    /** The same event carrying another frame (a stage's output), keeping damage, sequence and times. */
    public FrameEvent withFrame(Frame other) {
        return new FrameEvent(other, damage, sequence, captureNanos,
                formatChange.map(f -> other.videoFormat()));
    }

    /** The same event with different damage (e.g. accumulated over dropped frames). */
    public FrameEvent withDamage(Damage other) {
        return new FrameEvent(frame, other, sequence, captureNanos, formatChange);
    }
}
