package io.scanout.capture;

import io.scanout.core.FrameEvent;
import reactor.core.publisher.Flux;

/**
 * A display to capture: a VM's framebuffer, a VNC server, an X server, a synthetic test picture.
 *
 * <p>{@link #frames()} is cold: each subscription opens the source (a thread, a socket, a
 * mapping) and cancel, completion or error closes it. Events are emitted on the source's own
 * thread; the source never blocks on a slow subscriber — when nothing is requested it skips
 * frames (newest frame wins) and the next event's damage covers what the skipped ones changed.
 *
 * <p>Ownership of each {@link FrameEvent} passes to the subscriber, which passes it on or
 * releases it. Events dropped by operators are released through
 * {@code doOnDiscard(FrameEvent.class, FrameEvent::release)}.
 */
public interface FrameSource {
    /** The display's frames; opens the source on subscribe, closes it on cancel, complete or error. */
    Flux<FrameEvent> frames();

    /**
     * The URI the source was opened from, with secret values (a password) masked, so it can be
     * logged and shown.
     */
    String uri();
}
