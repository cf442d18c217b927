package io.scanout.capture;

import io.scanout.core.FrameEvent;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.CursorPosition;
import io.scanout.core.input.DisplaySizeSink;
import io.scanout.core.input.InputSink;
import java.util.Optional;
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

    /**
     * Where pointer and key events for this display go, for a source that takes input (a VNC
     * server); empty (the default) for one that does not. The sink is the source's for its whole
     * life: events are dropped while no subscription has the display open.
     */
    default Optional<InputSink> input() {
        return Optional.empty();
    }

    /**
     * The pointer's shape, for a source that sends it apart from the frames (a VNC server asked
     * for it); empty (the default) for sources that draw the pointer into the frames or have
     * none. Hot: a new subscriber gets the current shape first.
     *
     * <p>Named apart from a source's own richer cursor API (VFIO's cursor plane, with position).
     */
    default Flux<CursorImage> cursorImages() {
        return Flux.empty();
    }

    /**
     * Where the pointer is, for a source that knows (a VFIO cursor plane moved by the guest); empty
     * (the default) for sources whose pointer follows the viewer's own or is drawn into the frames.
     * Hot: a new subscriber gets the current position first; positions while the pointer is hidden
     * ({@link #cursorImages()} 0x0) are not sent. May come as often as the source polls: readers
     * that forward it bound the rate themselves.
     */
    default Flux<CursorPosition> cursorPositions() {
        return Flux.empty();
    }

    /**
     * Where a viewer's wish for a display size goes, for a source whose display can change size on
     * request (a VFIO vGPU with an EDID region); empty (the default) for the rest. The sink is the
     * source's for its whole life.
     */
    default Optional<DisplaySizeSink> displaySize() {
        return Optional.empty();
    }
}
