package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CropAndScaleTest {
    private static final int GREY = 0x808080;
    private static final int RED = 0xff0000;

    @RegisterExtension
    final KeptFrames frames = new KeptFrames();
    private final FramePool pool = frames.pool();

    private static IntBinaryOperator gradient() {
        return (x, y) -> (x * 5 & 0xff) << 16 | (y * 7 & 0xff) << 8 | (x + y) * 3 & 0xff;
    }

    @Test
    void aCropConvertsExactlyTheRegion() {
        IntBinaryOperator picture = gradient();
        Rect crop = new Rect(10, 6, 40, 30);
        try (FrameConverter cropping = FrameConverter.create(ConvertSettings.to(DrmFormat.NV12).withCrop(crop), pool);
             FrameConverter plain = FrameConverter.to(DrmFormat.NV12, pool)) {
            Frame in = frame(DrmFormat.XR24, 100, 60);
            TestImages.paint(in, picture);
            Frame region = frame(DrmFormat.XR24, 40, 30);
            TestImages.paint(region, (x, y) -> picture.applyAsInt(x + 10, y + 6));

            Frame out = keep(cropping.convert(in));
            assertThat(out.videoFormat()).isEqualTo(new VideoFormat(DrmFormat.NV12, 40, 30))
                    .isEqualTo(cropping.outputFormat(in.videoFormat()));
            assertSameSamples(new Yuv(keep(plain.convert(region))), new Yuv(out));
        }
    }

    @Test
    void anOddCropIsPaddedFromItsOwnEdge() {
        IntBinaryOperator picture = gradient();
        Rect crop = new Rect(3, 5, 33, 17);
        try (FrameConverter cropping = FrameConverter.create(ConvertSettings.to(DrmFormat.YU12).withCrop(crop), pool);
             FrameConverter plain = FrameConverter.to(DrmFormat.YU12, pool)) {
            Frame in = frame(DrmFormat.RG24, 64, 32);
            TestImages.paint(in, picture);
            Frame repeated = frame(DrmFormat.RG24, 34, 18);
            TestImages.paint(repeated, (x, y) -> picture.applyAsInt(Math.min(x, 32) + 3, Math.min(y, 16) + 5));

            Yuv out = new Yuv(keep(cropping.convert(in)));
            assertThat(out.width()).isEqualTo(34);
            assertThat(out.height()).isEqualTo(18);
            for (int y = 0; y < 17; y++) {
                assertThat(out.y(33, y)).as("padded column, row %d", y).isEqualTo(out.y(32, y));
            }
            assertSameSamples(new Yuv(keep(plain.convert(repeated))), out);
        }
    }

    @Test
    void aYuvCropAtEvenCoordinatesKeepsItsSamples() {
        try (FrameConverter cropping = FrameConverter.create(ConvertSettings.to(DrmFormat.YU12)
                .withCrop(new Rect(4, 2, 20, 10)), pool)) {
            Frame nv12 = frame(DrmFormat.NV12, 40, 20);
            Yuv in = new Yuv(nv12);
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 40; x++) {
                    in.set(x, y, 16 + (x * 11 + y * 3) % 219);
                }
            }
            for (int cy = 0; cy < 10; cy++) {
                for (int cx = 0; cx < 20; cx++) {
                    in.setChroma(cx, cy, 20 + cx * 9, 230 - cy * 13);
                }
            }
            Yuv out = new Yuv(keep(cropping.convert(nv12)));
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 20; x++) {
                    assertThat(out.y(x, y)).as("Y at %d,%d", x, y).isEqualTo(in.y(x + 4, y + 2));
                }
            }
            for (int cy = 0; cy < 5; cy++) {
                for (int cx = 0; cx < 10; cx++) {
                    assertThat(out.cb(cx, cy)).isEqualTo(in.cb(cx + 2, cy + 1));
                    assertThat(out.cr(cx, cy)).isEqualTo(in.cr(cx + 2, cy + 1));
                }
            }
        }
    }

    @Test
    void aCropThatCutsChromaOrDoesNotFitIsAnErrorNamingTheNumbers() {
        try (FrameConverter between = FrameConverter.create(ConvertSettings.to(DrmFormat.NV12)
                .withCrop(new Rect(3, 0, 16, 16)), pool);
             FrameConverter outside = FrameConverter.create(ConvertSettings.to(DrmFormat.NV12)
                     .withCrop(new Rect(40, 0, 32, 16)), pool)) {
            Frame nv12 = frame(DrmFormat.NV12, 64, 32);
            assertThatThrownBy(() -> between.convert(nv12)).isInstanceOf(ConvertException.class)
                    .hasMessage("crop 3,0 16x16 of a NV12 64x32 frame starts between chroma samples: NV12 crops at x "
                            + "a multiple of 2 and y a multiple of 2");
            Frame rgb = frame(DrmFormat.XR24, 64, 32);
            assertThatThrownBy(() -> outside.convert(rgb)).isInstanceOf(ConvertException.class)
                    .hasMessage("crop 40,0 32x16 does not fit in a XR24 64x32 frame");
        }
        assertThat(pool.stats().acquired()).as("no output frames taken").isEqualTo(2);
    }

    @Test
    void fitInsideKeepsTheAspectAndNeverEnlarges() {
        try (FrameConverter fit = FrameConverter.create(ConvertSettings.to(DrmFormat.NV12)
                .withScaling(Scaling.fitInside(640, 360)), pool)) {
            assertThat(fit.outputFormat(new VideoFormat(DrmFormat.XR24, 1280, 720)))
                    .isEqualTo(new VideoFormat(DrmFormat.NV12, 640, 360));
            assertThat(fit.outputFormat(new VideoFormat(DrmFormat.XR24, 1280, 800)))
                    .as("16:10 in a 16:9 box: height binds").isEqualTo(new VideoFormat(DrmFormat.NV12, 576, 360));
            assertThat(fit.outputFormat(new VideoFormat(DrmFormat.XR24, 300, 900)))
                    .isEqualTo(new VideoFormat(DrmFormat.NV12, 120, 360));
            assertThat(fit.outputFormat(new VideoFormat(DrmFormat.XR24, 321, 181)))
                    .as("already inside: padded, not enlarged").isEqualTo(new VideoFormat(DrmFormat.NV12, 322, 182));
            assertThat(fit.passesThrough(new VideoFormat(DrmFormat.NV12, 640, 360))).isTrue();
            assertThat(fit.passesThrough(new VideoFormat(DrmFormat.NV12, 642, 360))).isFalse();

            Frame in = frame(DrmFormat.XR24, 1280, 800);
            TestImages.paint(in, (x, y) -> GREY);
            Frame out = keep(fit.convert(in));
            assertThat(out.videoFormat()).isEqualTo(new VideoFormat(DrmFormat.NV12, 576, 360));
            assertThat((double) out.width() / out.height()).isCloseTo(1280.0 / 800, Offset.offset(0.01));
        }
    }

    @ParameterizedTest
    @EnumSource(Scaling.Filter.class)
    void aColourBlockLandsWhereTheScaleSays(Scaling.Filter filter) {
        // A red block at 400..559 x 300..419 of a 1280x720 grey frame; halved, at 200..279 x 150..209.
        ConvertSettings settings = ConvertSettings.to(DrmFormat.NV12)
                .withScaling(Scaling.fitInside(640, 360).withFilter(filter));
        try (FrameConverter converter = FrameConverter.create(settings, pool)) {
            Frame in = frame(DrmFormat.XR24, 1280, 720);
            TestImages.paint(in, (x, y) -> x >= 400 && x < 560 && y >= 300 && y < 420 ? RED : GREY);
            Yuv out = new Yuv(keep(converter.convert(in)));
            assertBlock(out, 200, 150, 280, 210, TestImages.bt709(DrmFormat.XR24, RED)[0],
                    TestImages.bt709(DrmFormat.XR24, GREY)[0], filter.reach());
        }
    }

    @Test
    void anExactSizeStretchesAndPlacesTheBlock() {
        // 640x480 to exactly 320x360: x halves, y shrinks by 3/4.
        try (FrameConverter converter = FrameConverter.create(ConvertSettings.to(DrmFormat.YU12)
                .withScaling(Scaling.exactly(320, 360)), pool)) {
            Frame in = frame(DrmFormat.RG16, 640, 480);
            TestImages.paint(in, (x, y) -> x >= 200 && x < 400 && y >= 120 && y < 360 ? RED : GREY);
            Frame scaled = keep(converter.convert(in));
            assertThat(scaled.videoFormat()).isEqualTo(new VideoFormat(DrmFormat.YU12, 320, 360));
            assertBlock(new Yuv(scaled), 100, 90, 200, 270, TestImages.bt709(DrmFormat.RG16, RED)[0],
                    TestImages.bt709(DrmFormat.RG16, GREY)[0], Scaling.DEFAULT_FILTER.reach());
        }
    }

    @Test
    void cropThenScale() {
        // Crop the block's quarter of the frame, then halve it.
        ConvertSettings settings = ConvertSettings.to(DrmFormat.NV12).withCrop(new Rect(320, 240, 640, 360))
                .withScaling(Scaling.exactly(320, 180));
        try (FrameConverter converter = FrameConverter.create(settings, pool)) {
            Frame in = frame(DrmFormat.XB24, 1280, 720);
            TestImages.paint(in, (x, y) -> x >= 480 && x < 640 && y >= 300 && y < 420 ? RED : GREY);
            Yuv out = new Yuv(keep(converter.convert(in)));
            assertBlock(out, 80, 30, 160, 90, TestImages.bt709(DrmFormat.XB24, RED)[0],
                    TestImages.bt709(DrmFormat.XB24, GREY)[0], Scaling.DEFAULT_FILTER.reach());
        }
    }

    @Test
    void slicesOnSeveralThreadsGiveTheSameBytesAsOne() {
        IntBinaryOperator picture = gradient();
        for (Scaling scaling : List.of(Scaling.none(), Scaling.fitInside(1280, 720))) {
            try (FrameConverter one = FrameConverter.create(ConvertSettings.to(DrmFormat.NV12).withScaling(scaling)
                    .withThreads(1), pool);
                 FrameConverter three = FrameConverter.create(ConvertSettings.to(DrmFormat.NV12).withScaling(scaling)
                         .withThreads(3), pool)) {
                Frame in = frame(DrmFormat.XR24, 1920, 1080);
                TestImages.paint(in, picture);
                assertSameSamples(new Yuv(keep(one.convert(in))), new Yuv(keep(three.convert(in))));
            }
        }
    }

    /**
     * Luma is {@code inside} well within [x0, x1) × [y0, y1) and {@code outside} well away from it;
     * along the middle row and column the edges fall within {@code reach} + 1 samples of where the scale puts them.
     */
    private static void assertBlock(Yuv out, int x0, int y0, int x1, int y1, int inside, int outside, int reach) {
        int margin = reach + 1;
        for (int y = 0; y < out.height(); y++) {
            for (int x = 0; x < out.width(); x++) {
                boolean in = x >= x0 + margin && x < x1 - margin && y >= y0 + margin && y < y1 - margin;
                boolean out2 = x < x0 - margin || x >= x1 + margin || y < y0 - margin || y >= y1 + margin;
                if (in) {
                    assertThat(out.y(x, y)).as("inside the block at %d,%d", x, y).isCloseTo(inside, Offset.offset(1));
                } else if (out2) {
                    assertThat(out.y(x, y)).as("outside the block at %d,%d", x, y).isCloseTo(outside, Offset.offset(1));
                }
            }
        }
        int mid = (inside + outside) / 2;
        int row = (y0 + y1) / 2;
        int left = 0;
        while (left < out.width() && isOutside(out.y(left, row), inside, mid)) {
            left++;
        }
        int top = 0;
        int column = (x0 + x1) / 2;
        while (top < out.height() && isOutside(out.y(column, top), inside, mid)) {
            top++;
        }
        assertThat(left).as("left edge of the block").isCloseTo(x0, Offset.offset(1));
        assertThat(top).as("top edge of the block").isCloseTo(y0, Offset.offset(1));
    }

    private static boolean isOutside(int luma, int inside, int mid) {
        return inside < mid ? luma >= mid : luma <= mid;
    }

    private static void assertSameSamples(Yuv want, Yuv got) {
        assertThat(got.width()).isEqualTo(want.width());
        assertThat(got.height()).isEqualTo(want.height());
        for (int y = 0; y < want.height(); y++) {
            for (int x = 0; x < want.width(); x++) {
                if (got.y(x, y) != want.y(x, y)) {
                    assertThat(got.y(x, y)).as("Y at %d,%d", x, y).isEqualTo(want.y(x, y));
                }
            }
        }
        for (int cy = 0; cy < want.chromaHeight(); cy++) {
            for (int cx = 0; cx < want.chromaWidth(); cx++) {
                if (got.cb(cx, cy) != want.cb(cx, cy) || got.cr(cx, cy) != want.cr(cx, cy)) {
                    assertThat(got.cb(cx, cy)).as("Cb at %d,%d", cx, cy).isEqualTo(want.cb(cx, cy));
                    assertThat(got.cr(cx, cy)).as("Cr at %d,%d", cx, cy).isEqualTo(want.cr(cx, cy));
                }
            }
        }
    }

    private Frame frame(DrmFormat format, int width, int height) {
        return keep(pool.acquire(new VideoFormat(format, width, height)));
    }

    private Frame keep(Frame frame) {
        return frames.keep(frame);
    }
}
