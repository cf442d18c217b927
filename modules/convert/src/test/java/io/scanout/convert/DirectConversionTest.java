package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scanout.convert.internal.ConversionPlan;
import io.scanout.convert.internal.DirectConversion;
import io.scanout.convert.internal.RowPairKernels;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The direct path (32-bit RGB to NV12, YU12 and P010, without libswscale) beyond what {@link
 * ReferenceConversionTest} checks sample by sample against the formulas with both its kernels:
 * bands on several threads, the two kernels byte for byte at every register width, crops, what
 * it takes, and chroma sited on the same columns as libswscale's.
 */
class DirectConversionTest {
    @RegisterExtension
    final KeptFrames frames = new KeptFrames();
    private final FramePool pool = frames.pool();

    /** The stage's converter with the direct path on (without the Vector API it is off by default). */
    private static FrameConverter direct(ConvertSettings settings, FramePool pool) {
        return new PlannedFrameConverter(settings, pool, true);
    }

    @Test
    void bandsOnSeveralThreadsGiveTheSameBytesAsOne() {
        VideoFormat format = new VideoFormat(DrmFormat.XR24, 1920, 1080);
        Frame in = keep(pool.acquire(format));
        TestImages.paint(in, random(1920, 1080, 5));
        try (FrameConverter one = direct(ConvertSettings.to(DrmFormat.NV12).withThreads(1), pool);
             FrameConverter four = direct(ConvertSettings.to(DrmFormat.NV12).withThreads(4), pool)) {
            Frame single = keep(one.convert(in));
            for (int run = 0; run < 5; run++) {
                Frame banded = four.convert(in);
                try {
                    int bytes = Math.toIntExact(single.layout().requiredBytes());
                    assertThat(banded.buffer().limit(bytes)).as("run %d", run).isEqualTo(single.buffer().limit(bytes));
                } finally {
                    banded.release();
                }
            }
        }
    }

    /**
     * The Vector API kernel (the direct path's default where the JVM has the module, as in these
     * tests) and the plain-Java one compute the same codes, byte for byte: at widths narrower than
     * one SIMD register, filling whole registers, and leaving a tail of columns, from 8-bit and
     * 10-bit RGB into NV12 and YU12, and from 10-bit RGB into P010. The input is random bytes,
     * alpha and padding bits included, in every colorimetry's range (full range clips).
     */
    @ParameterizedTest(name = "{0} pixels wide, {1} into {2} in {3}")
    @MethodSource("widthsAndPairs")
    void theVectorAndPlainJavaKernelsGiveTheSameBytes(int width, DrmFormat input, DrmFormat target, Colorimetry c) {
        assertThat(RowPairKernels.whyNotVectorised().filter(why -> why.contains("--add-modules")))
                .as("the build runs its tests with --add-modules jdk.incubator.vector").isEmpty();
        assumeTrue(RowPairKernels.vectorised(), () -> "no Vector API kernel here: " + RowPairKernels.whyNotVectorised());
        int height = 6;
        PlaneLayout layout = PlaneLayout.of(input, width, height, new long[] {36}, new int[] {width * 4 + 20});
        Frame in = keep(pool.acquire(layout));
        Random random = new Random(width * 31L + input.ordinal());
        for (int i = 0; i < in.buffer().capacity(); i++) {
            in.buffer().put(i, (byte) random.nextInt(256));
        }
        ConvertSettings settings = ConvertSettings.to(target).withColorimetry(c);
        try (DirectConversion vector = DirectConversion.create(in.videoFormat(), settings, true);
             DirectConversion plain = DirectConversion.create(in.videoFormat(), settings, false)) {
            Frame a = keep(vector.run(in, pool));
            Frame b = keep(plain.run(in, pool));
            assertThat(a.format()).isEqualTo(target);
            assertThat(bytes(a)).as("%s by the Vector API kernel, against the plain one", a.layout()).isEqualTo(bytes(b));
        }
    }

    /** The picture's bytes, plane by plane, without row padding. */
    private static byte[] bytes(Frame frame) {
        PlaneLayout l = frame.layout();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int p = 0; p < l.planeCount(); p++) {
            byte[] row = new byte[Math.toIntExact(l.rowBytes(p))];
            for (int y = 0; y < l.planeHeight(p); y++) {
                frame.buffer().get(Math.toIntExact(l.offset(p) + (long) y * l.stride(p)), row);
                all.writeBytes(row);
            }
        }
        return all.toByteArray();
    }

    static Stream<Arguments> widthsAndPairs() {
        List<Arguments> pairs = new ArrayList<>();
        Colorimetry bt601Full = new Colorimetry(Colorimetry.Matrix.BT601, Colorimetry.Range.FULL);
        Colorimetry bt709Full = new Colorimetry(Colorimetry.Matrix.BT709, Colorimetry.Range.FULL);
        for (int width : new int[] {2, 6, 8, 16, 30, 64, 70, 1922}) {
            pairs.add(Arguments.of(width, DrmFormat.AR24, DrmFormat.NV12, bt601Full));
            pairs.add(Arguments.of(width, DrmFormat.AR24, DrmFormat.YU12, bt601Full));
            for (Colorimetry c : List.of(Colorimetry.BT709_LIMITED, bt709Full)) {
                pairs.add(Arguments.of(width, DrmFormat.XR30, DrmFormat.NV12, c));
                pairs.add(Arguments.of(width, DrmFormat.AR30, DrmFormat.YU12, c));
                pairs.add(Arguments.of(width, DrmFormat.AR30, DrmFormat.P010, c));
            }
        }
        return pairs.stream();
    }

    @Test
    void aCropIsConvertedAsAFrameOfJustThatRegion() {
        Frame in = keep(pool.acquire(new VideoFormat(DrmFormat.XB24, 64, 40)));
        IntBinaryOperator picture = random(64, 40, 9);
        TestImages.paint(in, picture);
        Rect crop = new Rect(3, 5, 34, 20);
        Frame alone = keep(pool.acquire(new VideoFormat(DrmFormat.XB24, 34, 20)));
        TestImages.paint(alone, (x, y) -> picture.applyAsInt(x + 3, y + 5));
        try (FrameConverter cropping = direct(ConvertSettings.to(DrmFormat.YU12).withCrop(crop), pool);
             FrameConverter whole = direct(ConvertSettings.to(DrmFormat.YU12), pool)) {
            Yuv got = new Yuv(keep(cropping.convert(in)));
            Yuv want = new Yuv(keep(whole.convert(alone)));
            assertThat(got.width()).isEqualTo(34);
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 34; x++) {
                    assertThat(got.y(x, y)).as("Y at %d,%d", x, y).isEqualTo(want.y(x, y));
                }
            }
            for (int cy = 0; cy < 10; cy++) {
                for (int cx = 0; cx < 17; cx++) {
                    assertThat(got.cb(cx, cy)).as("Cb at %d,%d", cx, cy).isEqualTo(want.cb(cx, cy));
                    assertThat(got.cr(cx, cy)).as("Cr at %d,%d", cx, cy).isEqualTo(want.cr(cx, cy));
                }
            }
        }
    }

    @Test
    void scalingAndOtherFormatsStayWithLibswscale() {
        VideoFormat xr24 = new VideoFormat(DrmFormat.XR24, 64, 36);
        assertThat(DirectConversion.supports(xr24, ConvertSettings.to(DrmFormat.NV12))).isTrue();
        assertThat(DirectConversion.supports(new VideoFormat(DrmFormat.XR24, 63, 35), ConvertSettings.to(DrmFormat.NV12)))
                .as("odd: padded, then direct").isTrue();
        assertThat(DirectConversion.supports(xr24, ConvertSettings.to(DrmFormat.NV12).withScaling(Scaling.exactly(32, 18))))
                .isFalse();
        assertThat(DirectConversion.supports(xr24, ConvertSettings.to(DrmFormat.P010))).as("8-bit RGB to P010").isTrue();
        assertThat(DirectConversion.supports(new VideoFormat(DrmFormat.RG16, 64, 36), ConvertSettings.to(DrmFormat.P010)))
                .as("16-bit RGB stays with libswscale").isFalse();
        VideoFormat xr30 = new VideoFormat(DrmFormat.XR30, 64, 36);
        assertThat(DirectConversion.supports(xr30, ConvertSettings.to(DrmFormat.NV12))).isTrue();
        assertThat(DirectConversion.supports(new VideoFormat(DrmFormat.AR30, 63, 35), ConvertSettings.to(DrmFormat.YU12)))
                .isTrue();
        assertThat(DirectConversion.supports(xr30, ConvertSettings.to(DrmFormat.P010))).isTrue();
        assertThat(DirectConversion.supports(xr30, ConvertSettings.to(DrmFormat.NV12).withHighDepthTarget(DrmFormat.P010)))
                .as("per-frame target P010").isTrue();
        assertThat(DirectConversion.supports(xr30, ConvertSettings.to(DrmFormat.P010).withScaling(Scaling.exactly(32, 18))))
                .isFalse();
        assertThat(DirectConversion.supports(new VideoFormat(DrmFormat.RG16, 64, 36), ConvertSettings.to(DrmFormat.NV12)))
                .isFalse();
    }

    /**
     * Sited like libswscale: on a picture of random columns (each the same all the way down) the
     * two paths agree within a code on every sample, so both weigh columns 2i−1, 2i, 2i+1 as
     * 1, 2, 1. (Vertically libswscale's bilinear filter spans four rows, 1 3 3 1, where the direct
     * path takes the mean of the two rows the chroma sits between: on vertical detail they differ.)
     */
    @Test
    void libswscaleSitesChromaOnTheSameColumns() {
        int width = 64;
        int height = 32;
        Frame in = keep(pool.acquire(new VideoFormat(DrmFormat.XR24, width, height)));
        IntBinaryOperator columns = random(width, 1, 3);
        TestImages.paint(in, (x, y) -> columns.applyAsInt(x, 0));
        ConvertSettings settings = ConvertSettings.to(DrmFormat.NV12);
        try (ConversionPlan sws = ConversionPlan.create(in.videoFormat(), settings);
             DirectConversion direct = DirectConversion.create(in.videoFormat(), settings)) {
            Yuv a = new Yuv(keep(sws.run(in, pool)));
            Yuv b = new Yuv(keep(direct.run(in, pool)));
            Offset<Integer> oneCode = Offset.offset(1);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    assertThat(b.y(x, y)).as("Y at %d,%d", x, y).isCloseTo(a.y(x, y), oneCode);
                }
            }
            for (int cy = 0; cy < height / 2; cy++) {
                for (int cx = 0; cx < width / 2; cx++) {
                    assertThat(b.cb(cx, cy)).as("Cb at %d,%d", cx, cy).isCloseTo(a.cb(cx, cy), oneCode);
                    assertThat(b.cr(cx, cy)).as("Cr at %d,%d", cx, cy).isCloseTo(a.cr(cx, cy), oneCode);
                }
            }
        }
    }

    /** A picture of random 0xRRGGBB pixels, the same for the same seed. */
    private static IntBinaryOperator random(int width, int height, long seed) {
        int[] pixels = new Random(seed).ints(width * height, 0, 1 << 24).toArray();
        return (x, y) -> pixels[y * width + x];
    }

    private Frame keep(Frame frame) {
        return frames.keep(frame);
    }
}
