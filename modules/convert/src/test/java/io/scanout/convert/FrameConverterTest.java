package io.scanout.convert;

import com.sun.jna.Pointer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.nativeio.LibC;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class FrameConverterTest {
    private static final int[] SOLIDS = {0x000000, 0xffffff, 0xff0000, 0x00ff00, 0x0000ff, 0xbfbf00, 0x808080, 0x3366cc};
    /** The bar: at most one 8-bit code value from the formula. */
    private static final int TOLERANCE = 1;

    private final FramePool pool = new FramePool();
    private final List<Frame> toRelease = new ArrayList<>();

    @AfterEach
    void noLeaks() {
        toRelease.forEach(Frame::release);
        assertThat(pool.stats().outstanding()).as("frames not released").isZero();
        pool.close();
    }

    static Stream<Arguments> rgbFormatsAndTargets() {
        List<Arguments> out = new ArrayList<>();
        for (DrmFormat in : DrmFormat.values()) {
            if (in.isRgb()) {
                out.add(Arguments.of(in, DrmFormat.NV12));
                out.add(Arguments.of(in, DrmFormat.YU12));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rgbFormatsAndTargets")
    void solidColoursMatchTheBt709LimitedRangeFormula(DrmFormat input, DrmFormat target) {
        try (FrameConverter converter = FrameConverter.to(target, pool)) {
            for (int rgb : SOLIDS) {
                Frame in = frame(input, 64, 36);
                TestImages.paint(in, (x, y) -> rgb);
                Frame out = keep(converter.convert(in));

                assertThat(out.videoFormat()).isEqualTo(new VideoFormat(target, 64, 36));
                int[] want = TestImages.bt709(input, rgb);
                assertFlat(new Yuv(out), 0, 0, 64, 36, want, String.format("%s #%06x", input, rgb));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DrmFormat.class, names = {"XR24", "XB24", "RG16", "XR30"})
    void barsMatchTheFormulaOnEveryLumaSampleAndOnFlatChroma(DrmFormat input) {
        int width = 7 * 32;
        try (FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
            Frame in = frame(input, width, 48);
            IntBinaryOperator bars = TestImages.bars(width);
            TestImages.paint(in, bars);
            Yuv out = new Yuv(keep(converter.convert(in)));

            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < width; x++) {
                    int want = TestImages.bt709(input, bars.applyAsInt(x, y))[0];
                    assertThat(out.y(x, y)).as("%s luma at %d,%d", input, x, y).isCloseTo(want, within());
                }
            }
            for (int cy = 0; cy < 24; cy++) {
                for (int cx = 0; cx < width / 2; cx++) {
                    int column = (2 * cx) % 32;
                    if (column < 4 || column > 28) {
                        continue;   // the chroma filter mixes neighbouring bars at their edges
                    }
                    int[] want = TestImages.bt709(input, bars.applyAsInt(2 * cx, 2 * cy));
                    assertThat(out.cb(cx, cy)).as("%s Cb at %d,%d", input, cx, cy).isCloseTo(want[1], within());
                    assertThat(out.cr(cx, cy)).as("%s Cr at %d,%d", input, cx, cy).isCloseTo(want[2], within());
                }
            }
        }
    }

    @Test
    void readsThePlaneWhereTheLayoutSaysAndIgnoresRowPadding() {
        int width = 50;
        int height = 20;
        int row = width * 4;
        PlaneLayout padded = PlaneLayout.of(DrmFormat.XR24, width, height, new long[] {104}, new int[] {row + 13});
        try (FrameConverter converter = FrameConverter.to(DrmFormat.YU12, pool)) {
            Frame in = keep(pool.acquire(padded));
            TestImages.scribble(in, 0xee);
            IntBinaryOperator gradient = (x, y) -> (x * 5) << 16 | (y * 12) << 8 | 0x40;
            TestImages.paint(in, gradient);
            Frame packed = frame(DrmFormat.XR24, width, height);
            TestImages.paint(packed, gradient);

            Yuv fromPadded = new Yuv(keep(converter.convert(in)));
            Yuv fromPacked = new Yuv(keep(converter.convert(packed)));

            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    assertThat(fromPadded.y(x, y)).isEqualTo(fromPacked.y(x, y))
                            .isCloseTo(TestImages.bt709(DrmFormat.XR24, gradient.applyAsInt(x, y))[0], within());
                }
            }
            for (int cy = 0; cy < height / 2; cy++) {
                for (int cx = 0; cx < width / 2; cx++) {
                    assertThat(fromPadded.cb(cx, cy)).isEqualTo(fromPacked.cb(cx, cy));
                    assertThat(fromPadded.cr(cx, cy)).isEqualTo(fromPacked.cr(cx, cy));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DrmFormat.class, names = {"NV12", "YU12"})
    void oddSizesArePaddedByRepeatingTheEdge(DrmFormat target) {
        try (FrameConverter converter = FrameConverter.to(target, pool)) {
            Frame in = frame(DrmFormat.XR24, 33, 17);
            // Distinct colours on the last column and the last row, so a padded sample copied from
            // anywhere else shows.
            IntBinaryOperator picture = (x, y) -> x == 32 ? 0xff0000 : y == 16 ? 0x0000ff : (x * 7) << 8 | y * 9;
            TestImages.paint(in, picture);
            Frame converted = keep(converter.convert(in));
            assertThat(converted.videoFormat()).isEqualTo(new VideoFormat(target, 34, 18));
            assertThat(converter.outputFormat(in.videoFormat())).isEqualTo(converted.videoFormat());
            Yuv out = new Yuv(converted);

            for (int y = 0; y < 17; y++) {
                assertThat(out.y(33, y)).as("padded column, row %d", y).isEqualTo(out.y(32, y));
            }
            for (int x = 0; x < 34; x++) {
                assertThat(out.y(x, 17)).as("padded row, column %d", x).isEqualTo(out.y(x, 16));
            }
            int[] red = TestImages.bt709(DrmFormat.XR24, 0xff0000);
            assertThat(out.y(33, 5)).isCloseTo(red[0], within());

            // The whole result, chroma included, is what the picture with its edge repeated gives.
            Frame repeated = frame(DrmFormat.XR24, 34, 18);
            TestImages.paint(repeated, (x, y) -> picture.applyAsInt(Math.min(x, 32), Math.min(y, 16)));
            Yuv reference = new Yuv(keep(converter.convert(repeated)));
            for (int y = 0; y < 18; y++) {
                for (int x = 0; x < 34; x++) {
                    assertThat(out.y(x, y)).as("Y at %d,%d", x, y).isEqualTo(reference.y(x, y));
                }
            }
            for (int cy = 0; cy < 9; cy++) {
                for (int cx = 0; cx < 17; cx++) {
                    assertThat(out.cb(cx, cy)).as("Cb at %d,%d", cx, cy).isEqualTo(reference.cb(cx, cy));
                    assertThat(out.cr(cx, cy)).as("Cr at %d,%d", cx, cy).isEqualTo(reference.cr(cx, cy));
                }
            }
        }
    }

    @Test
    void oddSizedYuvInputsArePaddedToo() {
        try (FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
            Frame yuyv = frame(DrmFormat.YUYV, 5, 3);
            ByteBuffer b = yuyv.buffer();
            int stride = yuyv.layout().stride(0);
            for (int y = 0; y < 3; y++) {
                for (int pair = 0; pair < 3; pair++) {
                    int at = y * stride + pair * 4;
                    // Y1 of the last pair lies outside a 5-wide picture: 250 there must not show.
                    b.put(at, (byte) (20 + 40 * pair + y)).put(at + 1, (byte) 100)
                            .put(at + 2, (byte) (pair == 2 ? 250 : 40 + 40 * pair + y)).put(at + 3, (byte) 150);
                }
            }
            Yuv out = new Yuv(keep(converter.convert(yuyv)));
            assertThat(out.y(4, 1)).isEqualTo(20 + 80 + 1);
            assertThat(out.y(5, 1)).as("the padded column repeats column 4, not the stray Y1").isEqualTo(out.y(4, 1));
            assertThat(out.y(5, 3)).isEqualTo(out.y(5, 2));
            assertThat(out.cb(2, 1)).isCloseTo(100, within());
            assertThat(out.cr(2, 1)).isCloseTo(150, within());
        }
    }

    @Test
    void aOnePixelFrameBecomesTwoByTwo() {
        try (FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
            Frame in = frame(DrmFormat.XB24, 1, 1);
            TestImages.paint(in, (x, y) -> 0x00ff00);
            Yuv out = new Yuv(keep(converter.convert(in)));
            int[] green = TestImages.bt709(DrmFormat.XB24, 0x00ff00);
            assertFlat(out, 0, 0, 2, 2, green, "1x1 green");
        }
    }

    @Test
    void yuvInputsKeepTheirValues() {
        try (FrameConverter toNv12 = FrameConverter.to(DrmFormat.NV12, pool);
             FrameConverter toI420 = FrameConverter.to(DrmFormat.YU12, pool)) {
            // An odd-sized NV12 frame is not passed through: it is copied and padded.
            Frame nv12 = frame(DrmFormat.NV12, 21, 11);
            assertThat(toNv12.passesThrough(nv12.videoFormat())).isFalse();
            Yuv in = new Yuv(nv12);
            for (int y = 0; y < 11; y++) {
                for (int x = 0; x < 21; x++) {
                    in.set(x, y, 16 + (x * 10 + y) % 219);
                }
            }
            for (int cy = 0; cy < 6; cy++) {
                for (int cx = 0; cx < 11; cx++) {
                    in.setChroma(cx, cy, 60 + cx * 5, 200 - cy * 7);
                }
            }
            Yuv copy = new Yuv(keep(toNv12.convert(nv12)));
            Yuv planar = new Yuv(keep(toI420.convert(nv12)));
            for (int y = 0; y < 11; y++) {
                for (int x = 0; x < 21; x++) {
                    assertThat(copy.y(x, y)).isEqualTo(in.y(x, y));
                    assertThat(planar.y(x, y)).isCloseTo(in.y(x, y), within());
                }
                assertThat(copy.y(21, y)).isEqualTo(in.y(20, y));
            }
            for (int cy = 0; cy < 6; cy++) {
                for (int cx = 0; cx < 11; cx++) {
                    assertThat(copy.cb(cx, cy)).isEqualTo(in.cb(cx, cy));
                    assertThat(copy.cr(cx, cy)).isEqualTo(in.cr(cx, cy));
                    assertThat(planar.cb(cx, cy)).isCloseTo(in.cb(cx, cy), within());
                    assertThat(planar.cr(cx, cy)).isCloseTo(in.cr(cx, cy), within());
                }
            }
        }
    }

    @Test
    void packedAndTenBitYuvInputsConvert() {
        try (FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
            // YUYV: Y0 Cb Y1 Cr, one flat colour.
            Frame yuyv = frame(DrmFormat.YUYV, 16, 8);
            ByteBuffer b = yuyv.buffer();
            for (int y = 0; y < 8; y++) {
                for (int pair = 0; pair < 8; pair++) {
                    int at = y * yuyv.layout().stride(0) + pair * 4;
                    b.put(at, (byte) 100).put(at + 1, (byte) 90).put(at + 2, (byte) 100).put(at + 3, (byte) 170);
                }
            }
            assertFlat(new Yuv(keep(converter.convert(yuyv))), 0, 0, 16, 8, new int[] {100, 90, 170}, "YUYV");

            // P010: 10 significant bits in the high bits of 16-bit little-endian samples.
            Frame p010 = frame(DrmFormat.P010, 16, 8);
            ByteBuffer p = p010.buffer();
            PlaneLayout l = p010.layout();
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 16; x++) {
                    p.putShort((int) l.offset(0) + y * l.stride(0) + 2 * x, (short) (400 << 6));
                }
            }
            for (int cy = 0; cy < 4; cy++) {
                for (int cx = 0; cx < 8; cx++) {
                    int at = (int) l.offset(1) + cy * l.stride(1) + 4 * cx;
                    p.putShort(at, (short) (360 << 6)).putShort(at + 2, (short) (680 << 6));
                }
            }
            assertFlat(new Yuv(keep(converter.convert(p010))), 0, 0, 16, 8, new int[] {100, 90, 170}, "P010");
        }
    }

    @Test
    void aNewInputFormatOrSizeMakesANewContext() {
        try (FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
            Object[][] inputs = {{DrmFormat.XR24, 64, 32, 0xff0000}, {DrmFormat.RG16, 48, 20, 0x00ff00},
                {DrmFormat.RG16, 50, 24, 0x0000ff}, {DrmFormat.XR24, 64, 32, 0x808080}};
            for (Object[] input : inputs) {
                DrmFormat format = (DrmFormat) input[0];
                int w = (int) input[1];
                int h = (int) input[2];
                int rgb = (int) input[3];
                Frame in = frame(format, w, h);
                TestImages.paint(in, (x, y) -> rgb);
                Frame out = keep(converter.convert(in));
                assertThat(out.videoFormat()).isEqualTo(new VideoFormat(DrmFormat.NV12, w, h));
                assertFlat(new Yuv(out), 0, 0, w, h, TestImages.bt709(format, rgb), format + " " + w + "x" + h);
            }
        }
    }

    @Test
    void aLinearDmaBufFrameIsReadThroughOneCpuCopy() {
        // A memfd stands in for the dma-buf: both are fds to shareable memory.
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.XR24, 64, 64);
        int fd = LibC.memfd_create("scanout-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        Pointer map = LibC.mmap(null, layout.requiredBytes(), LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        int rgb = 0x3080c0;
        for (int i = 0; i < 64 * 64; i++) {
            map.setInt(4L * i, rgb); // XR24: B, G, R, X in memory = the word 0x00RRGGBB little-endian
        }
        LibC.munmap(map, layout.requiredBytes());
        Frame dmaBuf = Frame.wrap(new DmaBuf(fd, layout.requiredBytes(), DmaBuf.MODIFIER_LINEAR, layout));
        try (FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
            Frame out = keep(converter.convert(dmaBuf));
            assertFlat(new Yuv(out), 0, 0, 64, 64, TestImages.bt709(DrmFormat.XR24, rgb), "dma-buf XR24");
        } finally {
            dmaBuf.release();
        }
    }

    @Test
    void aTiledDmaBufFrameIsAnErrorNamingIt() {
        PlaneLayout layout = PlaneLayout.packed(DrmFormat.XR24, 64, 64);
        int fd = LibC.memfd_create("scanout-test", LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        Frame dmaBuf = Frame.wrap(new DmaBuf(fd, layout.requiredBytes(), 0x0100000000000001L, layout));
        try (FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
            assertThatThrownBy(() -> converter.convert(dmaBuf))
                    .isInstanceOf(ConvertException.class)
                    .hasMessageStartingWith("cannot read a dma-buf frame on the CPU: dma-buf XR24 64x64 offsets [0] strides [256]")
                    .hasMessageContaining("is not linear");
        } finally {
            dmaBuf.release();
        }
        assertThat(pool.stats().outstanding()).as("the copy it began was given back").isZero();
    }

    @Test
    void targetsAreNv12I420AndP010Only() {
        assertThatThrownBy(() -> FrameConverter.to(DrmFormat.XR24, pool))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("frames convert to NV12, YU12 or P010, not XR24");
        assertThatThrownBy(() -> NormalizeFormat.to(DrmFormat.YUYV, pool, null))
                .hasMessage("frames convert to NV12, YU12 or P010, not YUYV");
        assertThat(FrameConverter.targets()).containsExactlyInAnyOrder(DrmFormat.NV12, DrmFormat.YU12, DrmFormat.P010);
    }

    @Test
    void aClosedConverterRefusesFrames() {
        FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool);
        Frame in = frame(DrmFormat.XR24, 16, 16);
        TestImages.paint(in, (x, y) -> 0x123456);
        keep(converter.convert(in));
        converter.close();
        converter.close();

        assertThat(converter.isClosed()).isTrue();
        assertThatThrownBy(() -> converter.convert(in))
                .isInstanceOf(IllegalStateException.class).hasMessage("the converter to NV12 is closed");
    }

    @Test
    void passesThroughOnlyEvenFramesOfTheTarget() {
        try (FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
            assertThat(converter.passesThrough(new VideoFormat(DrmFormat.NV12, 64, 36))).isTrue();
            assertThat(converter.passesThrough(new VideoFormat(DrmFormat.NV12, 63, 36))).isFalse();
            assertThat(converter.passesThrough(new VideoFormat(DrmFormat.NV12, 64, 35))).isFalse();
            assertThat(converter.passesThrough(new VideoFormat(DrmFormat.YU12, 64, 36))).isFalse();
        }
    }

    /** Every sample of the rectangle (luma) and the chroma under it equals {Y, Cb, Cr} within tolerance. */
    private static void assertFlat(Yuv out, int x0, int y0, int w, int h, int[] want, String what) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                assertThat(out.y(x, y)).as("%s: Y at %d,%d", what, x, y).isCloseTo(want[0], within());
            }
        }
        for (int cy = y0 / 2; cy < (y0 + h + 1) / 2; cy++) {
            for (int cx = x0 / 2; cx < (x0 + w + 1) / 2; cx++) {
                assertThat(out.cb(cx, cy)).as("%s: Cb at %d,%d", what, cx, cy).isCloseTo(want[1], within());
                assertThat(out.cr(cx, cy)).as("%s: Cr at %d,%d", what, cx, cy).isCloseTo(want[2], within());
            }
        }
    }

    private static org.assertj.core.data.Offset<Integer> within() {
        return org.assertj.core.data.Offset.offset(TOLERANCE);
    }

    private Frame frame(DrmFormat format, int width, int height) {
        return keep(pool.acquire(new VideoFormat(format, width, height)));
    }

    private Frame keep(Frame frame) {
        toRelease.add(frame);
        return frame;
    }
}
