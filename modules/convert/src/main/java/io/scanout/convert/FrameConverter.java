package io.scanout.convert;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.util.Set;

/**
 * Converts one frame at a time to an encoder's input format, as {@link ConvertSettings} say:
 * NV12, YU12 (I420) or P010; BT.709 limited range unless another {@link Colorimetry} is chosen;
 * an optional crop; scaling to fit inside a box or to an exact size; an odd size kept as it is
 * gains one column or row repeating the edge. 32-bit RGB (XR24, AR24, XB24, AB24, and the 10-bit
 * XR30, AR30) to NV12, YU12 or P010 without scaling takes a direct path of
 * Scanout's own; everything else goes through libswscale.
 * What {@link NormalizeFormat} runs, usable on its own (a benchmark, a tool).
 *
 * <p>Takes every {@link DrmFormat}: the RGB ones (read as full range; alpha ignored) and NV12,
 * YU12, YUYV and P010 (read as {@link ConvertSettings#yuvInput()}), at any stride and plane
 * offsets the frame's layout gives.
 *
 * <p>Threads: used by one thread at a time; it blocks that thread for the conversion (about a
 * millisecond for 1080p on the direct path, a few through libswscale), during which bands of rows
 * may run on threads of its own ({@link ConvertSettings#threads()}). {@link #close()} may come
 * from any thread: a conversion in progress finishes first, then the native state is freed.
 *
 * <p>Native state: libswscale contexts or the direct path's helper threads for the current input
 * format and size, made on the first frame and re-made when the format or size changes; freed by
 * {@link #close()}. A conversion at a
 * steady format allocates nothing but the output {@link Frame} reference the pool hands out.
 */
public interface FrameConverter extends AutoCloseable {
    /** The formats a converter produces: NV12, YU12, P010. */
    static Set<DrmFormat> targets() {
        return ConvertSettings.targets();
    }

    /**
     * A converter to {@code target} with the default settings ({@link ConvertSettings#to}).
     *
     * @throws IllegalArgumentException when {@code target} is not NV12, YU12 or P010
     */
    static FrameConverter to(DrmFormat target, FramePool pool) {
        return create(ConvertSettings.to(target), pool);
    }

    /**
     * A converter making what {@code settings} say, taking its output frames from {@code pool}.
     * Allocates nothing native until the first frame.
     */
    static FrameConverter create(ConvertSettings settings, FramePool pool) {
        return new PlannedFrameConverter(settings, pool);
    }

    ConvertSettings settings();

    default DrmFormat target() {
        return settings().target();
    }

    /**
     * What a frame of {@code input} becomes: the target format at the cropped, scaled size, or the
     * input's size rounded up to even.
     *
     * @throws ConvertException when the crop does not fit {@code input}
     */
    VideoFormat outputFormat(VideoFormat input);

    /** Whether frames of {@code input} are already what this converter makes, to be handed on as they are. */
    boolean passesThrough(VideoFormat input);

    /**
     * The damage of the output of a frame of {@code input} that had {@code damage}: cropped,
     * scaled outward (never missing a changed pixel), grown over a padded edge.
     *
     * @throws ConvertException when the crop does not fit {@code input}
     */
    Damage outputDamage(Damage damage, VideoFormat input);

    /**
     * Converts a frame into a new one from the pool. {@code input} stays the caller's (not released
     * here); the result is the caller's to release.
     *
     * @throws ConvertException      for a frame it cannot take (a dma-buf not mapped for the CPU, a
     *                               crop that does not fit) or one libswscale refuses, naming the
     *                               format, size and call
     * @throws IllegalStateException after {@link #close()}, or when two threads use it at once
     */
    Frame convert(Frame input);

    /** Whether {@link #close()} was called (the native context may still be finishing a conversion). */
    boolean isClosed();

    /** Frees the native state; idempotent, from any thread, without waiting. */
    @Override
    void close();
}
