package io.scanout.transport;

import io.scanout.core.FrameEvent;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.CursorPosition;
import io.scanout.core.input.DisplaySizeSink;
import io.scanout.core.input.InputSink;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * One stream as the transport sees it: the hub viewers join, and what {@code /streams} says about
 * it. Owned by the application; the transport only reads it. Thread-safe, non-blocking.
 */
public interface StreamEndpoint {

    /** The stream's fan-out; its {@link StreamHub#meters()} record what the transport sends. */
    StreamHub hub();

    /** A snapshot of the stream for {@code GET /streams}. */
    StreamInfo info();

    /**
     * Where this stream's viewers send keyboard and mouse: present when the source takes input (a
     * VNC server) and the stream's settings allow it ({@code input} permission); empty otherwise.
     */
    default Optional<InputSink> input() {
        return Optional.empty();
    }

    /**
     * The same input as {@link #input()}, for clients that see {@link #pictures()}: their pointer is in
     * the captured picture's pixels, not in the (perhaps scaled) video's.
     */
    default Optional<InputSink> inputInPicturePixels() {
        return input();
    }

    /**
     * The pointer image, when the source sends it apart from the frames. Hot: a new subscriber gets
     * the current image first. Empty for sources that draw the pointer into the frames.
     */
    default Flux<CursorImage> cursor() {
        return Flux.empty();
    }

    /**
     * Where the pointer is, when the source moves it itself (a VFIO guest's cursor plane). Hot: a
     * new subscriber gets the current position first; may come at the source's polling rate (each
     * viewer's socket bounds what it sends). Empty when viewers draw the pointer at their own.
     */
    default Flux<CursorPosition> cursorPositions() {
        return Flux.empty();
    }

    /**
     * Where viewers' window sizes go: present when the source can change its display size (a VFIO
     * vGPU, through EDID) and the stream's settings let viewers control it (its {@code input}
     * permission, as for {@link #input()}); empty otherwise. A connection must hold the
     * {@code input} scope too.
     */
    default Optional<DisplaySizeSink> displaySize() {
        return Optional.empty();
    }

    /**
     * The stream's encoder, for {@code POST /streams/{id}/encoder} (admin scope); empty when the
     * stream has none that can change while running.
     */
    default Optional<EncoderControl> encoderControl() {
        return Optional.empty();
    }

    /**
     * The captured pictures after change detection, with their damage, for clients that take pixels
     * rather than video (RFB Raw and ZRLE). Hot; each event is the subscriber's own reference, which
     * it releases; a subscriber that requests nothing gets the newest picture when it next requests,
     * and that picture's damage then covers what it missed. Empty when the stream offers none.
     */
    default Flux<FrameEvent> pictures() {
        return Flux.empty();
    }
}
