package io.scanout.convert;

import io.scanout.core.DrmFormat;
import io.scanout.core.Rect;
import java.util.Optional;
import java.util.Set;

/**
 * What the convert stage makes: the output format, its colorimetry, how YUV inputs are to be
 * read, an optional crop of the input, scaling, and how many threads a conversion may use.
 * Immutable; start from {@link #to(DrmFormat)} and change what differs with the {@code with…}
 * methods.
 *
 * @param target      NV12, YU12 (I420) or P010 — what the encoder takes
 * @param colorimetry the matrix and range of the output's YUV ({@link Colorimetry#BT709_LIMITED} by default)
 * @param yuvInput    how YUV inputs (NV12, YU12, YUYV, P010) are encoded ({@link Colorimetry#BT709_LIMITED}
 *                    by default); RGB inputs are always full range
 * @param scaling     resizing after the crop ({@link Scaling#none()} by default)
 * @param crop        the part of the input to keep, in input pixels, applied before scaling; empty for all of it
 * @param highDepthTarget what frames of more than 8 bits per component (XR30, AR30, P010) become
 *                    instead of {@code target}: P010 for an encoder that takes 10 bits, so they reach it
 *                    at 10 bits; empty to convert every frame to {@code target} ({@link #targetFor})
 * @param threads     threads per conversion (libswscale's slices, or the direct path's bands of rows,
 *                    the calling thread included), 1..{@value #MAX_THREADS}, or 0 for
 *                    {@link #AUTO_THREADS}: one thread for pictures under 1920×1080 (input or output),
 *                    else up to {@value #AUTO_THREADS_MAX}, never more than the machine's processors
 */
public record ConvertSettings(DrmFormat target, Colorimetry colorimetry, Colorimetry yuvInput, Scaling scaling,
                              Optional<Rect> crop, int threads, Optional<DrmFormat> highDepthTarget) {
    /** libswscale's own limit on slice threads is far above this; more than this only adds overhead. */
    public static final int MAX_THREADS = 16;
    /** {@link #threads()} value letting the converter choose. */
    public static final int AUTO_THREADS = 0;
    /**
     * Below this many pixels (the larger of input and output), {@link #AUTO_THREADS} converts on
     * one thread. From 1080p up, two slices measured faster even on a loaded 2-core machine
     * (XR24 → NV12 1080p best 2.4 → 1.6 ms; 4K → 1080p 7.7 → 4.1 ms).
     */
    public static final int AUTO_THREADS_MIN_PIXELS = 1920 * 1080;
    /** At most this many threads under {@link #AUTO_THREADS}. */
    public static final int AUTO_THREADS_MAX = 4;

    public ConvertSettings {
        if (target == null || colorimetry == null || yuvInput == null || scaling == null || crop == null
                || highDepthTarget == null) {
            throw new IllegalArgumentException("target, colorimetry, yuvInput, scaling, crop and highDepthTarget"
                    + " are required");
        }
        if (!targets().contains(target)) {
            throw new IllegalArgumentException("frames convert to NV12, YU12 or P010, not " + target);
        }
        if (highDepthTarget.isPresent() && !targets().contains(highDepthTarget.get())) {
            throw new IllegalArgumentException("frames convert to NV12, YU12 or P010, not " + highDepthTarget.get());
        }
        if (threads < 0 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be 0 (auto) or 1.." + MAX_THREADS + ", not " + threads);
        }
        if (crop.isPresent() && crop.get().isEmpty()) {
            throw new IllegalArgumentException("an empty crop " + crop.get() + " leaves nothing to encode");
        }
    }

    /** Settings converting every frame to {@code target}, whatever its bit depth. */
    public ConvertSettings(DrmFormat target, Colorimetry colorimetry, Colorimetry yuvInput, Scaling scaling,
                           Optional<Rect> crop, int threads) {
        this(target, colorimetry, yuvInput, scaling, crop, threads, Optional.empty());
    }

    /** The formats the convert stage produces. */
    public static Set<DrmFormat> targets() {
        return Set.of(DrmFormat.NV12, DrmFormat.YU12, DrmFormat.P010);
    }

    /**
     * Convert to {@code target}, BT.709 limited range, YUV inputs read as BT.709 limited, no crop,
     * no scaling, threads chosen by size.
     *
     * @throws IllegalArgumentException when {@code target} is not NV12, YU12 or P010
     */
    public static ConvertSettings to(DrmFormat target) {
        return new ConvertSettings(target, Colorimetry.BT709_LIMITED, Colorimetry.BT709_LIMITED, Scaling.none(),
                Optional.empty(), AUTO_THREADS);
    }

    public ConvertSettings withColorimetry(Colorimetry other) {
        return new ConvertSettings(target, other, yuvInput, scaling, crop, threads, highDepthTarget);
    }

    public ConvertSettings withYuvInput(Colorimetry other) {
        return new ConvertSettings(target, colorimetry, other, scaling, crop, threads, highDepthTarget);
    }

    public ConvertSettings withScaling(Scaling other) {
        return new ConvertSettings(target, colorimetry, yuvInput, other, crop, threads, highDepthTarget);
    }

    /** Keep only {@code region} of each input frame (input pixels, before scaling). */
    public ConvertSettings withCrop(Rect region) {
        return new ConvertSettings(target, colorimetry, yuvInput, scaling, Optional.of(region), threads,
                highDepthTarget);
    }

    public ConvertSettings withoutCrop() {
        return new ConvertSettings(target, colorimetry, yuvInput, scaling, Optional.empty(), threads,
                highDepthTarget);
    }

    public ConvertSettings withThreads(int count) {
        return new ConvertSettings(target, colorimetry, yuvInput, scaling, crop, count, highDepthTarget);
    }

    /**
     * Frames of more than 8 bits per component (XR30, AR30, P010) convert to {@code format} (P010:
     * an encoder taking 10 bits gets them at 10 bits); the others still to {@link #target()}.
     *
     * @throws IllegalArgumentException when {@code format} is not NV12, YU12 or P010
     */
    public ConvertSettings withHighDepthTarget(DrmFormat format) {
        return new ConvertSettings(target, colorimetry, yuvInput, scaling, crop, threads, Optional.of(format));
    }

    /** Every frame converts to {@link #target()}, whatever its bit depth. */
    public ConvertSettings withoutHighDepthTarget() {
        return new ConvertSettings(target, colorimetry, yuvInput, scaling, crop, threads, Optional.empty());
    }

    /**
     * What frames of {@code input} become: {@link #highDepthTarget()} for a format of more than 8
     * bits per component when one is set, else {@link #target()}.
     */
    public DrmFormat targetFor(DrmFormat input) {
        return input.bitsPerComponent() > 8 ? highDepthTarget.orElse(target) : target;
    }

    /** The threads a conversion touching {@code pixels} pixels (the larger of its input and output) uses. */
    public int threadsFor(long pixels) {
        if (threads != AUTO_THREADS) {
            return threads;
        }
        if (pixels < AUTO_THREADS_MIN_PIXELS) {
            return 1;
        }
        return Math.max(1, Math.min(AUTO_THREADS_MAX, Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public String toString() {
        return target + highDepthTarget.map(t -> " (" + t + " from more than 8 bits)").orElse("") + ", " + colorimetry + (yuvInput.equals(colorimetry) ? "" : ", YUV input " + yuvInput)
                + crop.map(r -> ", crop " + r).orElse("")
                + (scaling.mode() == Scaling.Mode.NONE ? "" : ", scale " + scaling)
                + ", threads " + (threads == AUTO_THREADS ? "auto" : String.valueOf(threads));
    }
}
