package io.scanout.server;

import io.scanout.core.input.InputSink;
import java.util.function.IntSupplier;

/**
 * A stream's {@link InputSink} as its viewers see it: they point in pixels of the video they
 * decode, which is the captured display scaled ({@code max-size}, {@code size}); the source wants
 * its own pixels. Coordinates are scaled by the two sizes of the moment and kept inside the
 * display. Until both sizes are known (nothing encoded yet) they pass unchanged. Keys pass as
 * they are.
 *
 * <p>Thread-safe and non-blocking as the source's sink is; the sizes are read per event.
 */
final class StreamInput implements InputSink {
    private final InputSink source;
    private final IntSupplier capturedWidth;
    private final IntSupplier capturedHeight;
    private final IntSupplier videoWidth;
    private final IntSupplier videoHeight;

    /** Each size supplier answers 0 while the size is not known. */
    StreamInput(InputSink source, IntSupplier capturedWidth, IntSupplier capturedHeight, IntSupplier videoWidth,
                IntSupplier videoHeight) {
        this.source = source;
        this.capturedWidth = capturedWidth;
        this.capturedHeight = capturedHeight;
        this.videoWidth = videoWidth;
        this.videoHeight = videoHeight;
    }

    @Override
    public boolean pointer(int x, int y, int buttons) {
        return source.pointer(scale(x, videoWidth.getAsInt(), capturedWidth.getAsInt()),
                scale(y, videoHeight.getAsInt(), capturedHeight.getAsInt()), buttons);
    }

    @Override
    public boolean key(int keysym, boolean down) {
        return source.key(keysym, down);
    }

    /**
     * Pixel {@code v} of {@code from} as the pixel of {@code to} under its centre, inside
     * 0..to-1; unchanged when {@code from} is not known, only kept inside when {@code to} is.
     */
    static int scale(int v, int from, int to) {
        if (to <= 0) {
            return v;
        }
        long scaled = from <= 0 || from == to ? v : ((2L * v + 1) * to) / (2L * from);
        return (int) Math.max(0, Math.min(to - 1L, scaled));
    }
}
