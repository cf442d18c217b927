package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Pointer;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.nativeio.LibC;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The converter's behaviour around the conversion: padding odd sizes, new contexts on a change of
 * format or size, dma-bufs, closing, passthrough. Every sample of every format pair against the
 * formulas: {@link ReferenceConversionTest}.
 */
class FrameConverterTest {
    /** The bar: at most one 8-bit code value from the formula. */
    private static final int TOLERANCE = 1;

    @RegisterExtension
    final KeptFrames frames = new KeptFrames();
    private final FramePool pool = frames.pool();

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
        return frames.keep(frame);
    }
}
