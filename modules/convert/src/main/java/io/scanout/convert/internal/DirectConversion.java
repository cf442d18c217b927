package io.scanout.convert.internal;

import io.scanout.convert.ConvertSettings;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;

/**
 * The common conversions without libswscale: 32-bit RGB (XR24, AR24, XB24, AB24, and the 10-bit
 * XR30, AR30) to NV12, YU12 or P010, at the same size, in any {@link
 * io.scanout.convert.Colorimetry}, rounding once from the input's full precision (libswscale
 * dithers 10-bit sources into 8-bit codes and writes P010 white as 943, not 940), reading the input's plane
 * where its layout says and writing the output's (a {@link RowPairKernel} does the arithmetic). A crop
 * is an offset into the input; an odd-sized picture is first padded by repeating its edge
 * ({@link EdgePadding}), as the libswscale path does. Scaling goes to {@link ConversionPlan}.
 *
 * <p>Large frames are cut into bands of rows converted on the caller's thread and the helper
 * threads of a {@link BandWorkers} ({@link ConvertSettings#threadsFor}). A conversion allocates
 * nothing but the output frame's reference (and, for odd sizes, the padded copy's). Owns its
 * helper threads; {@link #close()} ends them. One thread at a time calls {@link #run}.
 */
public final class DirectConversion implements Conversion, BandWorkers.Job {
    /** Row pairs per band: 32 rows of 4K XR24 are 0.5 MB, enough to amortise claiming a band. */
    private static final int PAIRS_PER_BAND = 16;

    private final VideoFormat input;
    private final VideoFormat output;
    private final Rect region;
    private final boolean pad;
    private final boolean interleaved;
    private final PlaneLayout outputLayout;
    private final RowPairKernel kernel;
    private final BandWorkers workers;

    // The frame being converted, set by run() before the bands start (published by BandWorkers).
    private long source;
    private int sourceStride;
    private long luma;
    private int lumaStride;
    private long cb;
    private long cr;
    private int cbStride;
    private int crStride;

    private DirectConversion(VideoFormat input, ConvertSettings settings, Rect region, VideoFormat output,
                             boolean vectorKernel) {
        this.input = input;
        this.output = output;
        this.region = region;
        this.pad = !EdgePadding.isEven(new VideoFormat(input.format(), region.width(), region.height()));
        this.interleaved = output.format() != DrmFormat.YU12;
        this.outputLayout = PlaneLayout.packed(output.format(), output.width(), output.height(),
                FramePool.STRIDE_ALIGNMENT);
        int pairs = output.height() / 2;
        int bands = (pairs + PAIRS_PER_BAND - 1) / PAIRS_PER_BAND;
        int threads = settings.threadsFor((long) output.width() * output.height());
        this.workers = new BandWorkers(this, bands, threads, "scanout-convert");
        this.kernel = RowPairKernels.create(input.format(), output.format(), settings.colorimetry(), output.width(),
                workers.threads(), vectorKernel);
    }

    /**
     * Whether frames of {@code input} take the direct path under {@code settings}: 32-bit RGB, 8-
     * or 10-bit, to NV12, YU12 or P010, nothing scaled (a crop or an odd size may be).
     */
    public static boolean supports(VideoFormat input, ConvertSettings settings) {
        if (!FixedPointCoefficients.supports(input.format(), settings.targetFor(input.format()))) {
            return false;
        }
        Rect region = ConversionPlan.region(input, settings.crop());
        VideoFormat out = ConversionPlan.outputFormat(input, settings);
        return out.width() == EdgePadding.even(region.width()) && out.height() == EdgePadding.even(region.height());
    }

    /**
     * The direct conversion of frames of {@code input}, with the Vector API kernel where this JVM
     * has it ({@link RowPairKernels#vectorised()}).
     *
     * @throws IllegalArgumentException unless {@link #supports} says yes
     */
    public static DirectConversion create(VideoFormat input, ConvertSettings settings) {
        return create(input, settings, RowPairKernels.vectorised());
    }

    /**
     * The direct conversion of frames of {@code input}, with the Vector API kernel or the plain
     * Java one: the two compute the same codes, and the tests compare them.
     *
     * @throws IllegalArgumentException unless {@link #supports} says yes
     * @throws IllegalStateException    for the Vector API kernel on a JVM without it
     */
    public static DirectConversion create(VideoFormat input, ConvertSettings settings, boolean vectorKernel) {
        if (!supports(input, settings)) {
            throw new IllegalArgumentException("no direct conversion of " + input + " under " + settings);
        }
        if (vectorKernel && !RowPairKernels.vectorised()) {
            throw new IllegalStateException("this JVM runs without the Vector API kernel (--add-modules "
                    + "jdk.incubator.vector, and SIMD registers of eight ints or more)");
        }
        return new DirectConversion(input, settings, ConversionPlan.region(input, settings.crop()),
                ConversionPlan.outputFormat(input, settings), vectorKernel);
    }

    @Override
    public VideoFormat input() {
        return input;
    }

    @Override
    public VideoFormat output() {
        return output;
    }

    @Override
    public Frame run(Frame in, FramePool pool) {
        PlaneLayout from = in.layout();
        if (from.format() != input.format() || from.width() != input.width() || from.height() != input.height()) {
            throw new IllegalArgumentException("a conversion of " + input + " cannot read " + from);
        }
        Frame padded = null;
        try {
            Frame read = in;
            int x = region.x();
            int y = region.y();
            if (pad) {
                padded = EdgePadding.pad(in, x, y, region.width(), region.height(), pool);
                read = padded;
                x = 0;
                y = 0;
            }
            Frame out = pool.acquire(outputLayout);
            try {
                PlaneLayout readLayout = read.layout();
                sourceStride = readLayout.stride(0);
                source = read.planeAddress(0) + (long) y * sourceStride + 4L * x;
                luma = out.planeAddress(0);
                lumaStride = outputLayout.stride(0);
                cb = out.planeAddress(1);
                cr = interleaved ? 0 : out.planeAddress(2);
                cbStride = outputLayout.stride(1);
                crStride = interleaved ? 0 : outputLayout.stride(2);
                kernel.bind(read, out);
                workers.run();
            } catch (RuntimeException | Error e) {
                out.release();
                throw e;
            }
            return out;
        } finally {
            if (padded != null) {
                padded.release();
            }
        }
    }

    @Override
    public void runBand(int band, int worker) {
        int width = output.width();
        int end = Math.min(output.height() / 2, (band + 1) * PAIRS_PER_BAND);
        for (int pair = band * PAIRS_PER_BAND; pair < end; pair++) {
            long top = source + 2L * pair * sourceStride;
            long lumaTop = luma + 2L * pair * lumaStride;
            kernel.rowPair(top, top + sourceStride, lumaTop, lumaTop + lumaStride, cb + (long) pair * cbStride,
                    cr + (long) pair * crStride, interleaved, width, worker);
        }
    }

    @Override
    public String describe() {
        boolean cropped = region.width() != input.width() || region.height() != input.height();
        return input + " to " + output + (cropped ? ", crop " + region : "") + (pad ? ", edge padded" : "")
                + ", direct (" + kernel.describe() + "), " + workers.threads() + " thread" + (workers.threads() == 1 ? "" : "s");
    }

    @Override
    public void close() {
        workers.close();
    }
}
