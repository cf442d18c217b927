package io.scanout.convert.internal;

import static io.scanout.convert.internal.NativeAccess.UNSAFE;

import io.scanout.convert.ConvertSettings;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;

/**
 * P010 to NV12 or YU12 in the same colours: every 10-bit code rounded to the nearest 8-bit one,
 * {@code (c + 2) >> 2}. libswscale adds an ordered dither whenever its source has more than 8 bits,
 * whatever its dither option says, which leaves codes up to 2 off; here each is within half a code.
 * A source of odd size is padded by repeating its last luma column and row (its chroma planes,
 * rounded up, already cover the padded picture). Plain Java, one thread: the bytes are few (1.5 a
 * pixel in) and the work a shift. Nothing is allocated per frame but the output's reference.
 */
public final class DepthReduction implements Conversion {
    private final VideoFormat input;
    private final VideoFormat output;
    /** Made once: a layout per frame would be the conversion's only allocation. */
    private final PlaneLayout outputLayout;

    private DepthReduction(VideoFormat input, VideoFormat output) {
        this.input = input;
        this.output = output;
        this.outputLayout = PlaneLayout.packed(output.format(), output.width(), output.height(),
                FramePool.STRIDE_ALIGNMENT);
    }

    /** Whether frames of {@code input} go this way: P010 to an 8-bit target, same colours, no crop or scaling. */
    public static boolean supports(VideoFormat input, ConvertSettings settings) {
        DrmFormat target = settings.targetFor(input.format());
        return input.format() == DrmFormat.P010 && (target == DrmFormat.NV12 || target == DrmFormat.YU12)
                && settings.yuvInput().equals(settings.colorimetry()) && settings.crop().isEmpty()
                && ConversionPlan.outputFormat(input, settings).equals(EdgePadding.padded(
                        new VideoFormat(target, input.width(), input.height())));
    }

    /** @throws IllegalArgumentException unless {@link #supports} says yes */
    public static DepthReduction create(VideoFormat input, ConvertSettings settings) {
        if (!supports(input, settings)) {
            throw new IllegalArgumentException("P010 is reduced to 8 bits only into NV12 or YU12 of the same colours,"
                    + " uncropped and unscaled, not " + input + " with " + settings);
        }
        return new DepthReduction(input, ConversionPlan.outputFormat(input, settings));
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
        Frame out = pool.acquire(outputLayout);
        try {
            PlaneLayout from = in.layout();
            PlaneLayout to = out.layout();
            for (int y = 0; y < output.height(); y++) {
                int row = Math.min(y, input.height() - 1);
                reduceRow(in.planeAddress(0) + (long) row * from.stride(0), input.width(),
                        out.planeAddress(0) + (long) y * to.stride(0), output.width());
            }
            int chromaWidth = output.width() / 2;
            for (int y = 0; y < output.height() / 2; y++) {
                long at = in.planeAddress(1) + (long) y * from.stride(1);
                if (output.format() == DrmFormat.NV12) {
                    reduceRow(at, 2 * chromaWidth, out.planeAddress(1) + (long) y * to.stride(1), 2 * chromaWidth);
                } else {
                    splitRow(at, chromaWidth, out.planeAddress(1) + (long) y * to.stride(1),
                            out.planeAddress(2) + (long) y * to.stride(2));
                }
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.release();
            throw e;
        }
    }

    /**
     * {@code outCodes} 8-bit codes at {@code to} from {@code inCodes} 16-bit words at {@code from},
     * the last repeated past the end. The addresses are inside the frames: their layouts were
     * checked against their memory when the frames were made.
     */
    private static void reduceRow(long from, int inCodes, long to, int outCodes) {
        for (int x = 0; x < outCodes; x++) {
            UNSAFE.putByte(to + x, reduce(UNSAFE.getShort(from + 2L * Math.min(x, inCodes - 1))));
        }
    }

    /** A row of interleaved Cb/Cr words into the rows of the two chroma planes. */
    private static void splitRow(long from, int pairs, long toCb, long toCr) {
        for (int x = 0; x < pairs; x++) {
            UNSAFE.putByte(toCb + x, reduce(UNSAFE.getShort(from + 4L * x)));
            UNSAFE.putByte(toCr + x, reduce(UNSAFE.getShort(from + 4L * x + 2)));
        }
    }

    /** P010 keeps its 10-bit code in the (little-endian: x86, as Unsafe reads it) word's high bits. */
    private static byte reduce(short word) {
        int code = (word & 0xffff) >>> 6;
        return (byte) Math.min(255, (code + 2) >> 2);
    }

    @Override
    public String describe() {
        return input + " to " + output + (EdgePadding.isEven(input) ? "" : ", edge padded")
                + ", 10-bit codes rounded to 8 (plain Java)";
    }

    @Override
    public void close() {
        // No native state, no threads.
    }
}
