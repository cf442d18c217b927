package io.scanout.capture.vfio;

import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.CursorPosition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A VFIO source's cursor plane in the shape every source shares ({@link CursorImage} and
 * {@link CursorPosition}), for viewers: an image when the shape or its visibility changes, a
 * position when the cursor moves or the display changes size. Both are hot and replay the latest,
 * so a late viewer gets the current state at once.
 *
 * <p>The position is the hotspot's pixel ({@code x_pos + x_hot}) on the primary plane, whose size
 * comes from the frames ({@link #display}). Called from the poller's thread and from whichever
 * thread delivers frames; synchronized, and nothing here blocks.
 */
final class CursorFeed {
    private static final Logger log = LoggerFactory.getLogger(CursorFeed.class);
    private static final CursorImage HIDDEN = new CursorImage(0, 0, 0, 0, new int[0]);

    private final Sinks.Many<CursorImage> images = Sinks.many().replay().latest();
    private final Sinks.Many<CursorPosition> positions = Sinks.many().replay().latest();
    private final Set<DrmFormat> unsupportedLogged = EnumSet.noneOf(DrmFormat.class);
    private CursorEvent last;
    private CursorShape shownShape;
    private boolean shown;
    private boolean imageSent;
    private VideoFormat display;
    private CursorPosition sentPosition;

    Flux<CursorImage> images() {
        return images.asFlux();
    }

    Flux<CursorPosition> positions() {
        return positions.asFlux();
    }

    /** A change of the cursor plane, from the poller. */
    synchronized void cursor(CursorEvent event) {
        last = event;
        CursorShape shape = event.visible() ? event.shape().orElse(null) : null;
        if (shape == null) {
            if (shown || !imageSent) {
                shown = false;
                shownShape = null;
                imageSent = true;
                // The only failure without a subscriber is absorbed by the replay slot; one thread emits at a time.
                images.tryEmitNext(HIDDEN);
            }
            return;
        }
        // The tracker says when the shape changed: no need to compare pixels at every move.
        if (!shown || event.shapeChanged()) {
            CursorImage image = toImage(shape);
            if (image == null) {
                return;
            }
            shown = true;
            shownShape = shape;
            imageSent = true;
            images.tryEmitNext(image);
        }
        sendPosition();
    }

    /** The primary plane's format, from each frame: positions are on a display of its size. */
    synchronized void display(VideoFormat format) {
        if (!format.equals(display)) {
            display = format;
            sendPosition();
        }
    }

    private void sendPosition() {
        if (last == null || !shown || display == null) {
            return;
        }
        CursorShape shape = shownShape;
        CursorPosition position = CursorPosition.inside(last.x() + shape.hotX(), last.y() + shape.hotY(),
                display.width(), display.height());
        if (!position.equals(sentPosition)) {
            sentPosition = position;
            positions.tryEmitNext(position);
        }
    }

    /** The shape as {@code 0xAARRGGBB} pixels; null (logged once per format) for a format without a rule here. */
    private CursorImage toImage(CursorShape shape) {
        DrmFormat format = shape.format();
        boolean bgra = format == DrmFormat.AR24 || format == DrmFormat.XR24;
        boolean rgba = format == DrmFormat.AB24 || format == DrmFormat.XB24;
        if (!bgra && !rgba) {
            if (unsupportedLogged.add(format)) {
                log.warn("vfio: a cursor in {} cannot be shown to viewers (ARGB8888, XRGB8888, ABGR8888 and XBGR8888"
                        + " can); it is left out", format);
            }
            return null;
        }
        ByteBuffer pixels = shape.data().order(ByteOrder.LITTLE_ENDIAN);
        int[] argb = new int[shape.width() * shape.height()];
        for (int i = 0; i < argb.length; i++) {
            int v = pixels.getInt(i * 4); // little-endian AR24: 0xAARRGGBB; AB24: 0xAABBGGRR
            if (rgba) {
                v = (v & 0xff00ff00) | (v & 0xff) << 16 | (v >>> 16) & 0xff;
            }
            argb[i] = format.hasAlpha() ? v : v | 0xff000000;
        }
        return new CursorImage(shape.hotX(), shape.hotY(), shape.width(), shape.height(), argb);
    }
}
