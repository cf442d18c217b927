package io.scanout.convert.internal;

import io.scanout.convert.Colorimetry;
import io.scanout.convert.ConvertException;
import io.scanout.convert.ConvertSettings;
import io.scanout.convert.Scaling;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import java.util.Optional;

/**
 * How frames of one input format and size become output frames under one {@link ConvertSettings}:
 * the region kept (crop), then up to three steps, each only when needed —
 * <ol>
 *   <li>pad: an odd-sized picture kept at its size is copied into an even frame repeating its
 *       edge ({@link EdgePadding}), so chroma is subsampled exactly 2:1;</li>
 *   <li>expand: RG16 becomes XR24 first ({@link PixelFormats#expandFirst}), P010 going to NV12
 *       becomes I420 first ({@link PixelFormats#throughFirst}); a YUV input whose
 *       matrix differs from the output's becomes float RGB first ({@link SwsImage#rgbFloat}),
 *       because libswscale's one-step YUV → YUV change of matrix is off by up to three codes;</li>
 *   <li>convert: libswscale to the target format, colour and size ({@link SwsStep}).</li>
 * </ol>
 * Scratch frames for padding and the expand step come from the pool and go back at once; the float RGB
 * image is the plan's own. Owns its libswscale steps and that image; {@link #close()} frees them.
 * One thread at a time.
 */
public final class ConversionPlan implements Conversion {
    private final VideoFormat input;
    private final Rect region;
    private final boolean pad;
    private final SwsStep expand;
    private final ScratchImage middle;
    private final SwsStep convert;
    private final PlaneLayout expandedLayout;
    private final PlaneLayout outputLayout;
    private final int reach;

    private final VideoFormat output;

    private ConversionPlan(VideoFormat input, Rect region, boolean pad, SwsStep expand, VideoFormat expanded,
                           ScratchImage middle, SwsStep convert, VideoFormat output, int reach) {
        this.input = input;
        this.region = region;
        this.pad = pad;
        this.expand = expand;
        this.middle = middle;
        this.convert = convert;
        this.output = output;
        this.reach = reach;
        this.expandedLayout = expanded == null ? null : layout(expanded);
        this.outputLayout = layout(output);
    }

    private static PlaneLayout layout(VideoFormat format) {
        return PlaneLayout.packed(format.format(), format.width(), format.height(), FramePool.STRIDE_ALIGNMENT);
    }

    /**
     * The plan for frames of {@code input}.
     *
     * @throws ConvertException when the crop does not fit or cuts 4:2:0 chroma, or libswscale refuses a step
     */
    public static ConversionPlan create(VideoFormat input, ConvertSettings settings) {
        Rect region = region(input, settings.crop());
        VideoFormat output = outputFormat(input, settings);
        boolean pad = output.width() == EdgePadding.even(region.width())
                && output.height() == EdgePadding.even(region.height())
                && (region.width() % 2 != 0 || region.height() % 2 != 0);
        VideoFormat read = new VideoFormat(input.format(), pad ? output.width() : region.width(),
                pad ? output.height() : region.height());
        Scaling.Filter filter = settings.scaling().filter();
        Colorimetry yuvIn = settings.yuvInput();
        Colorimetry yuvOut = settings.colorimetry();
        long readPixels = (long) read.width() * read.height();
        int readThreads = settings.threadsFor(readPixels);
        int outputThreads = settings.threadsFor(Math.max(readPixels, (long) output.width() * output.height()));
        SwsStep expand = null;
        ScratchImage middle = null;
        VideoFormat expanded = null;
        try {
            Optional<DrmFormat> via = PixelFormats.expandFirst(input.format());
            if (via.isEmpty() && yuvIn.matrix() == yuvOut.matrix()) {
                via = PixelFormats.throughFirst(input.format(), output.format());
            }
            SwsImage from = SwsImage.of(read, yuvIn);
            if (via.isPresent()) {
                expanded = new VideoFormat(via.get(), read.width(), read.height());
                expand = SwsStep.create(from, SwsImage.of(expanded, yuvIn), filter, readThreads);
                from = expand.output();
            } else if (!input.format().isRgb() && yuvIn.matrix() != yuvOut.matrix()) {
                middle = new ScratchImage(SwsImage.rgbFloat(read.width(), read.height()));
                expand = SwsStep.create(from, middle.format(), filter, readThreads);
                from = middle.format();
            }
            SwsStep convert = SwsStep.create(from, SwsImage.of(output, yuvOut), filter, outputThreads);
            return new ConversionPlan(input, region, pad, expand, expanded, middle, convert, output, filter.reach());
        } catch (RuntimeException | Error e) {
            if (expand != null) {
                expand.close();
            }
            if (middle != null) {
                middle.close();
            }
            throw e;
        }
    }

    /**
     * The part of a frame of {@code input} that is converted: the crop, or all of it.
     *
     * @throws ConvertException when the crop does not fit the frame, or starts between the chroma
     *                          samples of a subsampled format
     */
    public static Rect region(VideoFormat input, Optional<Rect> crop) {
        if (crop.isEmpty()) {
            return new Rect(0, 0, input.width(), input.height());
        }
        Rect r = crop.get();
        if (!r.fitsIn(input.width(), input.height())) {
            throw new ConvertException("crop " + r + " does not fit in a " + input + " frame");
        }
        DrmFormat f = input.format();
        if (r.x() % f.horizontalSubsampling() != 0 || r.y() % f.verticalSubsampling() != 0) {
            throw new ConvertException("crop " + r + " of a " + input + " frame starts between chroma samples: "
                    + f + " crops at x a multiple of " + f.horizontalSubsampling() + " and y a multiple of "
                    + f.verticalSubsampling());
        }
        return r;
    }

    /**
     * What a frame of {@code input} becomes: the target format for its bit depth
     * ({@link ConvertSettings#targetFor}) at the scaled (or padded) size.
     */
    public static VideoFormat outputFormat(VideoFormat input, ConvertSettings settings) {
        Rect region = region(input, settings.crop());
        Scaling scaling = settings.scaling();
        return new VideoFormat(settings.targetFor(input.format()),
                scaling.outputWidth(region.width(), region.height()),
                scaling.outputHeight(region.width(), region.height()));
    }

    /** Whether frames of {@code input} are already what {@code settings} makes. */
    public static boolean passesThrough(VideoFormat input, ConvertSettings settings) {
        return input.format() == settings.targetFor(input.format()) && EdgePadding.isEven(input)
                && settings.crop().isEmpty()
                && settings.yuvInput().equals(settings.colorimetry())
                && settings.scaling().outputWidth(input.width(), input.height()) == input.width()
                && settings.scaling().outputHeight(input.width(), input.height()) == input.height();
    }

    @Override
    public VideoFormat input() {
        return input;
    }

    @Override
    public VideoFormat output() {
        return output;
    }

    /**
     * Converts a frame of {@link #input()} into a new frame from the pool. {@code in} stays the
     * caller's; the result is the caller's to release.
     */
    @Override
    public Frame run(Frame in, FramePool pool) {
        Frame current = in;
        int x = region.x();
        int y = region.y();
        Frame padded = null;
        Frame expanded = null;
        try {
            if (pad) {
                padded = EdgePadding.pad(in, x, y, region.width(), region.height(), pool);
                current = padded;
                x = 0;
                y = 0;
            }
            Frame output = pool.acquire(outputLayout);
            try {
                if (middle != null) {
                    expand.run(current, x, y, middle);
                    convert.run(middle, output);
                } else {
                    if (expand != null) {
                        expanded = pool.acquire(expandedLayout);
                        expand.run(current, x, y, expanded);
                        current = expanded;
                        x = 0;
                        y = 0;
                    }
                    convert.run(current, x, y, output);
                }
            } catch (RuntimeException e) {
                output.release();
                throw e;
            }
            return output;
        } finally {
            if (expanded != null) {
                expanded.release();
            }
            if (padded != null) {
                padded.release();
            }
        }
    }

    /** The output's damage for an input's. */
    public Damage damage(Damage inputDamage) {
        return DamageMapping.map(inputDamage, region, output.width(), output.height(), reach);
    }

    /** For the log: what happens to each frame. */
    @Override
    public String describe() {
        VideoFormat out = output;
        boolean cropped = region.width() != input.width() || region.height() != input.height();
        boolean scaled = !pad && (out.width() != EdgePadding.even(region.width())
                || out.height() != EdgePadding.even(region.height()));
        return input + " to " + out + (cropped ? ", crop " + region : "") + (pad ? ", edge padded" : "")
                + (expand != null ? ", via " + expand.output() : "") + (scaled ? ", scaled" : "")
                + ", libswscale, " + convert.threads() + " thread" + (convert.threads() == 1 ? "" : "s");
    }

    @Override
    public void close() {
        convert.close();
        if (middle != null) {
            middle.close();
        }
        if (expand != null) {
            expand.close();
        }
    }
}
