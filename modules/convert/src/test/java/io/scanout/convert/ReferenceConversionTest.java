package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scanout.convert.ReferenceConversion.ChromaFilter;
import io.scanout.convert.ReferenceConversion.Picture;
import io.scanout.convert.internal.Conversion;
import io.scanout.convert.internal.DepthReduction;
import io.scanout.convert.internal.DirectConversion;
import io.scanout.convert.internal.RowPairKernels;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every input format × every target × every colorimetry, through each path the converter can
 * take, sample by sample on pictures of random bytes against {@link ReferenceConversion}: an odd
 * size (padded by the stage), rows longer than the pixels by an odd number of bytes, and every
 * plane at a non-zero offset with a gap before the next, the bytes around the picture random too
 * (so a read outside the picture changes the result). Alpha and padding bits are random as well:
 * they must not show. RGB pictures also carry 2×2 blocks of the extremes (black, white, the
 * primaries and secondaries), where full range clips.
 *
 * <p>Tolerances: one 8-bit code (the bar); none where the pair is lossless (a 4:2:0 YUV
 * input in the output's colorimetry at the same depth, or limited range going from 8 to 10 bits).
 * The direct path (32-bit RGB, 8- or 10-bit, to NV12, YU12 and P010) rounds once
 * from full precision: one code everywhere, P010 included ({@value #DIRECT_P010_CODES} 10-bit code).
 * Only libswscale needs more, and only libswscale is given it: P010 outputs {@value #P010_CODES}
 * 10-bit codes, under the bar of one 8-bit code (4). Measured: 24-bit RGB (RG24, BG24) to P010 within 1, YUV
 * inputs within 2; 10-bit RGB (XR30, AR30) up to 3 on luma, because libswscale writes white at 943
 * rather than 940, as if scaling 8-bit codes by 1023/255 and not by 4; RG16 up to 3, from its
 * expansion to 8-bit RGB by bit replication before the 10-bit step. 10-bit inputs (XR30, AR30,
 * P010) to 8-bit outputs through libswscale: {@value #TEN_BIT_TO_EIGHT_CODES} codes, because
 * libswscale dithers (an 8×8 ordered pattern in place of rounding) whenever its source has more
 * than 8 bits, whatever its dither option says. The direct paths are held to the direct path's
 * tolerance and its two-row chroma filter, so a 10-bit RGB conversion the converter still sent to
 * libswscale fails them (its dither, its 943, its four-row chroma filter).
 *
 * <p>YUV pictures whose range or matrix changes keep their samples in the nominal range (8-bit Y
 * 16..235, Cb/Cr 16..240): how codes outside it are clipped, before or after the chroma filter, in
 * YUV or in RGB, differs between implementations (libswscale: superwhite Y 255 comes out 2 codes
 * above the formula's). A copy or a change of depth alone takes every code.
 *
 * <p>The paths: the direct path with the Vector API kernel (the default where the JVM has it, as
 * these tests run) and with the plain-Java kernel, for 32-bit RGB to NV12/YU12 and 10-bit RGB to
 * P010 ({@link DirectConversion#supports} lists the pairs), and through the converter's own
 * choice, which also sends P010 into an 8-bit target of its own colours to {@link DepthReduction}
 * (rounding, held to one code); libswscale for every pair ({@code -Dscanout.convert.direct=false} makes it take the 32-bit RGB ones as well).
 * Two threads per conversion and a picture of several bands, so the helper threads take part.
 */
class ReferenceConversionTest {
    /** 10-bit inputs (XR30, AR30, P010) to 8-bit outputs through libswscale, see the class comment. */
    static final int TEN_BIT_TO_EIGHT_CODES = 2;
    /** P010 outputs through libswscale, in 10-bit codes: see the class comment. */
    static final int P010_CODES = 3;
    /** P010 outputs of the direct path (10-bit RGB), in 10-bit codes. */
    static final int DIRECT_P010_CODES = 1;
    private static final int WIDTH = 45;
    private static final int HEIGHT = 71;
    private static final Colorimetry[] ALL = {
        Colorimetry.BT709_LIMITED, new Colorimetry(Colorimetry.Matrix.BT709, Colorimetry.Range.FULL),
        new Colorimetry(Colorimetry.Matrix.BT601, Colorimetry.Range.LIMITED),
        new Colorimetry(Colorimetry.Matrix.BT601, Colorimetry.Range.FULL)};
    private static final int[] EXTREMES = {0x000000, 0xffffff, 0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0x00ffff,
        0xff00ff, 0x808080};

    /** Which of the converter's paths runs a conversion. */
    enum Path {
        /** {@link DirectConversion} with the Vector API kernel, through the stage's converter. */
        DIRECT_VECTOR,
        /** {@link DirectConversion} with the plain-Java kernel. */
        DIRECT_PLAIN,
        /** A libswscale {@link io.scanout.convert.internal.ConversionPlan}, through the stage's converter. */
        LIBSWSCALE;

        /**
         * How the path filters 4:2:0 chroma vertically from {@code input}. libswscale copies YUYV
         * to I420 of the same colour by a shortcut of its own (swscale_unscaled.c's yuyvToYuv420),
         * the mean of each row pair; everything else goes through its scaler's bilinear filter.
         */
        ChromaFilter filter(DrmFormat input, ConvertSettings settings) {
            boolean rowPairs = this != LIBSWSCALE || input == DrmFormat.YUYV && settings.target() == DrmFormat.YU12
                    && settings.yuvInput().equals(settings.colorimetry());
            return rowPairs ? ChromaFilter.TWO_ROWS : ChromaFilter.FOUR_ROWS;
        }
    }

    @RegisterExtension
    final KeptFrames frames = new KeptFrames();
    private final FramePool pool = frames.pool();

    static Stream<Arguments> everyPair() {
        List<Arguments> out = new ArrayList<>();
        for (DrmFormat in : DrmFormat.values()) {
            for (DrmFormat target : List.of(DrmFormat.NV12, DrmFormat.YU12, DrmFormat.P010)) {
                for (Colorimetry c : ALL) {
                    for (Path path : Path.values()) {
                        if (path == Path.LIBSWSCALE || takesTheDirectPath(in, target)
                                && (in.isRgb() || path == Path.DIRECT_VECTOR && c.equals(Colorimetry.BT709_LIMITED))) {
                            out.add(Arguments.of(in, target, c, path));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * The pairs the direct path takes, listed here rather than asked of {@link
     * DirectConversion#supports}, so that a pair dropped from it (sent back to libswscale, with its
     * dither and its looser tolerance) fails these tests instead of leaving them.
     */
    static boolean takesTheDirectPath(DrmFormat input, DrmFormat target) {
        boolean eightBitRgb = input == DrmFormat.XR24 || input == DrmFormat.AR24 || input == DrmFormat.XB24
                || input == DrmFormat.AB24;
        boolean tenBitRgb = input == DrmFormat.XR30 || input == DrmFormat.AR30;
        // P010 into an 8-bit target of its own colours is rounded by DepthReduction (the converter's
        // direct choice; not a row-pair kernel, so not on the plain-kernel path).
        boolean tenBitYuv = input == DrmFormat.P010 && target != DrmFormat.P010;
        return eightBitRgb || tenBitRgb || tenBitYuv;
    }

    /** {@link #takesTheDirectPath} is the direct path's own list, pair for pair. */
    @Test
    void theDirectPathTakesTheListedPairs() {
        for (DrmFormat in : DrmFormat.values()) {
            for (DrmFormat target : List.of(DrmFormat.NV12, DrmFormat.YU12, DrmFormat.P010)) {
                VideoFormat format = new VideoFormat(in, WIDTH, HEIGHT);
                ConvertSettings settings = ConvertSettings.to(target);
                assertThat(DirectConversion.supports(format, settings) || DepthReduction.supports(format, settings))
                        .as("%s -> %s direct", in, target).isEqualTo(takesTheDirectPath(in, target));
            }
        }
    }

    /**
     * YUV inputs are read as BT.709 limited (the default), so the four output colorimetries give
     * a copy, a change of range, and two changes of matrix (through RGB; their pictures have flat
     * chroma, see {@link ReferenceConversion}).
     */
    @ParameterizedTest(name = "{0} -> {1} in {2}, {3}")
    @MethodSource("everyPair")
    void everySampleMatchesTheReference(DrmFormat input, DrmFormat target, Colorimetry colorimetry, Path path) {
        ConvertSettings settings = ConvertSettings.to(target).withColorimetry(colorimetry).withThreads(2);
        boolean flatChroma = !input.isRgb() && settings.yuvInput().matrix() != colorimetry.matrix();
        Frame in = keep(pool.acquire(paddedLayout(input, WIDTH, HEIGHT, 104, 13)));
        randomPicture(in, flatChroma, 31L * input.ordinal() + 2 * colorimetry.matrix().ordinal()
                + colorimetry.range().ordinal());
        if (!input.isRgb() && !settings.yuvInput().equals(colorimetry)) {
            nominal(in);
        }
        Frame packed = keep(pool.acquire(PlaneLayout.packed(input, WIDTH, HEIGHT)));
        copyPicture(in, packed);

        try (Converter converter = converter(path, settings, in.videoFormat())) {
            Frame out = keep(converter.convert(in));
            assertThat(out.videoFormat()).isEqualTo(new VideoFormat(target, WIDTH + 1, HEIGHT + 1));
            Picture want = ReferenceConversion.expected(in, settings, path.filter(input, settings));
            assertMatches(out, want, tolerance(input, settings, path), input + " -> " + target + " in " + colorimetry
                    + " by " + path);
            assertThat(samples(keep(converter.convert(packed)))).as("the same picture packed, without padding")
                    .isEqualTo(samples(out));
        }
    }

    /** Round trips between lossless pairs give back every sample, at an odd size and padded layouts. */
    @Test
    void losslessPairsRoundTripExactly() {
        roundTrip(DrmFormat.NV12, DrmFormat.YU12);
        roundTrip(DrmFormat.YU12, DrmFormat.NV12);
        roundTrip(DrmFormat.YU12, DrmFormat.YU12);
        roundTrip(DrmFormat.P010, DrmFormat.P010);
        roundTrip(DrmFormat.NV12, DrmFormat.P010);
    }

    private void roundTrip(DrmFormat from, DrmFormat via) {
        Frame in = keep(pool.acquire(paddedLayout(from, WIDTH, HEIGHT, 40, 7)));
        randomPicture(in, false, from.ordinal() * 7L + via.ordinal());
        try (FrameConverter there = FrameConverter.create(ConvertSettings.to(via).withThreads(2), pool);
             FrameConverter back = FrameConverter.create(ConvertSettings.to(from).withThreads(2), pool)) {
            Frame middle = keep(there.convert(in));
            Frame returned = keep(back.convert(middle));
            // The returned frame is padded to even: its last column and row repeat the input's.
            Picture want = ReferenceConversion.expected(in, ConvertSettings.to(from), ChromaFilter.TWO_ROWS);
            assertMatches(returned, want, 0, from + " -> " + via + " -> " + from);
        }
    }

    /** Every sample of {@code out} within {@code codes} of {@code want}. */
    private static void assertMatches(Frame out, Picture want, int codes, String what) {
        int[][] got = samples(out);
        int width = want.width();
        int cw = want.chromaWidth();
        String[] planes = {"Y", "Cb", "Cr"};
        int[][] wanted = {want.y(), want.cb(), want.cr()};
        for (int p = 0; p < 3; p++) {
            int rowLength = p == 0 ? width : cw;
            int worst = 0;
            int worstAt = 0;
            for (int i = 0; i < wanted[p].length; i++) {
                int error = Math.abs(got[p][i] - wanted[p][i]);
                if (error > worst) {
                    worst = error;
                    worstAt = i;
                }
            }
            int at = worstAt;
            assertThat(worst).as("%s: largest %s error, at %d,%d (got %d, want %d)", what, planes[p],
                    at % rowLength, at / rowLength, got[p][at], wanted[p][at]).isLessThanOrEqualTo(codes);
        }
    }

    /** Tolerance in codes of the output, see the class comment. */
    private static int tolerance(DrmFormat input, ConvertSettings settings, Path path) {
        Colorimetry in = settings.yuvInput();
        Colorimetry out = settings.colorimetry();
        int inBits = input.bitsPerComponent();
        int outBits = settings.target() == DrmFormat.P010 ? 10 : 8;
        boolean lossless = !input.isRgb() && input != DrmFormat.YUYV && in.equals(out)
                && (inBits == outBits || inBits < outBits && out.range() == Colorimetry.Range.LIMITED);
        if (lossless) {
            return 0;
        }
        if (path != Path.LIBSWSCALE) {
            return outBits == 10 ? DIRECT_P010_CODES : 1;
        }
        if (outBits == 10) {
            return P010_CODES;
        }
        // libswscale adds an ordered dither instead of rounding whenever the source has more than
        // 8 bits (swscale.c's should_dither, whatever the dither option says): half a code more.
        return inBits > 8 ? TEN_BIT_TO_EIGHT_CODES : 1;
    }

    /** Y, Cb and Cr codes of an NV12, YU12 or P010 frame, row by row, without padding. */
    static int[][] samples(Frame frame) {
        int w = frame.width();
        int h = frame.height();
        int[] y = new int[w * h];
        int[] cb = new int[(w / 2) * (h / 2)];
        int[] cr = new int[cb.length];
        for (int row = 0; row < h; row++) {
            for (int x = 0; x < w; x++) {
                y[row * w + x] = ReferenceConversion.lumaSample(frame, x, row);
            }
        }
        for (int cy = 0; cy < h / 2; cy++) {
            for (int cx = 0; cx < w / 2; cx++) {
                int[] c = ReferenceConversion.chromaSample(frame, cx, cy);
                cb[cy * (w / 2) + cx] = c[0];
                cr[cy * (w / 2) + cx] = c[1];
            }
        }
        if (frame.format() == DrmFormat.P010) {
            // P010 keeps its low six bits zero.
            ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
            PlaneLayout l = frame.layout();
            for (int row = 0; row < h; row++) {
                for (int x = 0; x < w; x++) {
                    assertThat(b.getShort((int) (l.offset(0) + (long) row * l.stride(0) + 2L * x)) & 0x3f)
                            .as("low bits of P010 luma at %d,%d", x, row).isZero();
                }
            }
        }
        return new int[][] {y, cb, cr};
    }

    /**
     * Each plane {@code gap} bytes after the previous one's end (the first at {@code gap}), its
     * rows {@code extra} bytes longer than the pixels.
     */
    static PlaneLayout paddedLayout(DrmFormat format, int width, int height, int gap, int extra) {
        int planes = format.planeCount();
        long[] offsets = new long[planes];
        int[] strides = new int[planes];
        long next = gap;
        for (int p = 0; p < planes; p++) {
            strides[p] = Math.toIntExact(format.rowBytes(p, width) + extra);
            offsets[p] = next;
            next += (long) strides[p] * format.planeHeight(p, height) + gap;
        }
        return PlaneLayout.of(format, width, height, offsets, strides);
    }

    /**
     * Random bytes everywhere, then what the format needs: P010 samples with their low six bits
     * zero; flat chroma when asked; for RGB a row of 2×2 blocks of the extremes.
     */
    static void randomPicture(Frame frame, boolean flatChroma, long seed) {
        Random random = new Random(seed);
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) random.nextInt(256));
        }
        PlaneLayout l = frame.layout();
        DrmFormat f = frame.format();
        if (f == DrmFormat.P010) {
            for (int p = 0; p < 2; p++) {
                for (int row = 0; row < l.planeHeight(p); row++) {
                    for (int i = 0; i < l.rowBytes(p); i += 2) {
                        int at = (int) (l.offset(p) + (long) row * l.stride(p) + i);
                        b.putShort(at, (short) (b.getShort(at) & 0xffc0));
                    }
                }
            }
        }
        if (flatChroma) {
            int bits = f.bitsPerComponent();
            int cb = (40 + random.nextInt(176)) << (bits - 8);
            int cr = (40 + random.nextInt(176)) << (bits - 8);
            setChroma(frame, cb, cr);
        }
        if (f.isRgb()) {
            for (int i = 0; i < EXTREMES.length && 2 * i + 1 < frame.width(); i++) {
                byte[] px = TestImages.pack(f, EXTREMES[i]);
                for (int row = 2; row < 4; row++) {
                    for (int x = 2 * i; x < 2 * i + 2; x++) {
                        int at = (int) (l.offset(0) + (long) row * l.stride(0) + (long) x * px.length);
                        for (int k = 0; k < px.length; k++) {
                            b.put(at + k, px[k]);
                        }
                    }
                }
            }
        }
    }

    /**
     * Moves every sample of a YUV picture into the nominal limited range (8-bit Y 16..235, Cb/Cr
     * 16..240), for a change of range or matrix: what codes outside it become (clipped before or
     * after the chroma filter, in YUV or in RGB) is each implementation's own choice.
     */
    static void nominal(Frame frame) {
        DrmFormat f = frame.format();
        int m = 1 << (f.bitsPerComponent() - 8);
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                setLuma(frame, x, y, m * (16 + ReferenceConversion.lumaSample(frame, x, y) / m % 220));
            }
        }
        int rows = f == DrmFormat.YUYV ? frame.height() : (frame.height() + 1) / 2;
        for (int cy = 0; cy < rows; cy++) {
            for (int cx = 0; cx < (frame.width() + 1) / 2; cx++) {
                int[] c = ReferenceConversion.chromaSample(frame, cx, cy);
                setChroma(frame, cx, cy, m * (16 + c[0] / m % 225), m * (16 + c[1] / m % 225));
            }
        }
    }

    private static void setLuma(Frame frame, int x, int y, int code) {
        PlaneLayout l = frame.layout();
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        long row = l.offset(0) + (long) y * l.stride(0);
        switch (frame.format()) {
            case NV12: case YU12: b.put((int) (row + x), (byte) code); break;
            case YUYV: b.put((int) (row + 2L * x), (byte) code); break;
            case P010: b.putShort((int) (row + 2L * x), (short) (code << 6)); break;
            default: throw new IllegalArgumentException("not YUV: " + frame.format());
        }
    }

    private static void setChroma(Frame frame, int cb, int cr) {
        int rows = frame.format() == DrmFormat.YUYV ? frame.height() : (frame.height() + 1) / 2;
        for (int cy = 0; cy < rows; cy++) {
            for (int cx = 0; cx < (frame.width() + 1) / 2; cx++) {
                setChroma(frame, cx, cy, cb, cr);
            }
        }
    }

    private static void setChroma(Frame frame, int cx, int cy, int cb, int cr) {
        PlaneLayout l = frame.layout();
        ByteBuffer b = frame.buffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (frame.format()) {
            case NV12: {
                int at = (int) (l.offset(1) + (long) cy * l.stride(1) + 2L * cx);
                b.put(at, (byte) cb).put(at + 1, (byte) cr);
                break;
            }
            case YU12:
                b.put((int) (l.offset(1) + (long) cy * l.stride(1) + cx), (byte) cb);
                b.put((int) (l.offset(2) + (long) cy * l.stride(2) + cx), (byte) cr);
                break;
            case YUYV: {
                int at = (int) (l.offset(0) + (long) cy * l.stride(0) + 4L * cx);
                b.put(at + 1, (byte) cb).put(at + 3, (byte) cr);
                break;
            }
            case P010: {
                int at = (int) (l.offset(1) + (long) cy * l.stride(1) + 4L * cx);
                b.putShort(at, (short) (cb << 6)).putShort(at + 2, (short) (cr << 6));
                break;
            }
            default:
                throw new IllegalArgumentException("not YUV: " + frame.format());
        }
    }

    /** Copies the picture (every plane's rows, no padding) of {@code from} into {@code to}, of its format and size. */
    static void copyPicture(Frame from, Frame to) {
        PlaneLayout a = from.layout();
        PlaneLayout b = to.layout();
        ByteBuffer src = from.buffer();
        ByteBuffer dst = to.buffer();
        for (int p = 0; p < a.planeCount(); p++) {
            int rowBytes = (int) a.rowBytes(p);
            for (int row = 0; row < a.planeHeight(p); row++) {
                dst.put((int) (b.offset(p) + (long) row * b.stride(p)), src,
                        (int) (a.offset(p) + (long) row * a.stride(p)), rowBytes);
            }
        }
    }

    /** One conversion path, closed after the test. */
    private interface Converter extends AutoCloseable {
        Frame convert(Frame in);

        @Override
        void close();
    }

    private Converter converter(Path path, ConvertSettings settings, VideoFormat input) {
        switch (path) {
            case DIRECT_VECTOR: {
                assertThat(RowPairKernels.whyNotVectorised().filter(why -> why.contains("--add-modules")))
                        .as("the build runs its tests with --add-modules jdk.incubator.vector").isEmpty();
                assumeTrue(RowPairKernels.vectorised(),
                        () -> "no Vector API kernel: " + RowPairKernels.whyNotVectorised());
                return of(new PlannedFrameConverter(settings, pool, true));
            }
            case DIRECT_PLAIN: {
                Conversion plain = DirectConversion.create(input, settings, false);
                return new Converter() {
                    @Override
                    public Frame convert(Frame in) {
                        return plain.run(in, pool);
                    }

                    @Override
                    public void close() {
                        plain.close();
                    }
                };
            }
            default:
                return of(new PlannedFrameConverter(settings, pool, false));
        }
    }

    private static Converter of(FrameConverter converter) {
        UnaryOperator<Frame> run = converter::convert;
        return new Converter() {
            @Override
            public Frame convert(Frame in) {
                return run.apply(in);
            }

            @Override
            public void close() {
                converter.close();
            }
        };
    }

    private Frame keep(Frame frame) {
        return frames.keep(frame);
    }
}
