package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@link ReferenceConversionTest} leaves out: YUV inputs read in another colorimetry than the
 * default (BT.601 full range) re-encoded in each, on flat colours, against the plain formula of
 * {@link Colorimetry} (TestImages.yuv) within one 8-bit code (four 10-bit codes); 10-bit RGB
 * keeping its 10 bits in P010; when a YUV frame passes through.
 */
class ColourConversionTest {
    private static final Colorimetry[] ALL = {
        Colorimetry.BT709_LIMITED, new Colorimetry(Colorimetry.Matrix.BT709, Colorimetry.Range.FULL),
        new Colorimetry(Colorimetry.Matrix.BT601, Colorimetry.Range.LIMITED),
        new Colorimetry(Colorimetry.Matrix.BT601, Colorimetry.Range.FULL)};

    @RegisterExtension
    final KeptFrames frames = new KeptFrames();
    private final FramePool pool = frames.pool();

    static Stream<Arguments> yuvInputsAndColorimetries() {
        List<Arguments> out = new ArrayList<>();
        for (DrmFormat in : List.of(DrmFormat.NV12, DrmFormat.YU12, DrmFormat.YUYV, DrmFormat.P010)) {
            // BT.709 limited, the default, is read on random pictures by ReferenceConversionTest.
            for (Colorimetry from : List.of(ALL[3])) {
                for (Colorimetry to : ALL) {
                    out.add(Arguments.of(in, from, to));
                }
            }
        }
        return out.stream();
    }

    /** A YUV input in one colorimetry re-encoded in another: decode by the formula, encode by the formula. */
    @ParameterizedTest(name = "{0} in {1} -> NV12 in {2}")
    @MethodSource("yuvInputsAndColorimetries")
    void yuvInputsAreReEncodedByTheFormula(DrmFormat input, Colorimetry from, Colorimetry to) {
        int[][] codes = {{100, 90, 170}, {180, 128, 128}, {60, 160, 100}, {140, 110, 140}};
        ConvertSettings settings = ConvertSettings.to(DrmFormat.NV12).withYuvInput(from).withColorimetry(to);
        try (FrameConverter converter = FrameConverter.create(settings, pool)) {
            for (int[] c : codes) {
                Frame in = frame(input, 32, 16);
                fillYuv(in, c[0], c[1], c[2]);
                Frame out = keep(converter.convert(in));
                int[] want = clip(TestImages.yuv(to, TestImages.rgb(from, c[0], c[1], c[2]), 8));
                assertFlat(out, want, 1, input + " " + c[0] + "," + c[1] + "," + c[2] + " in " + from + " -> " + to);
            }
        }
    }

    @Test
    void tenBitRgbKeepsItsTenBitsInP010() {
        try (FrameConverter converter = FrameConverter.to(DrmFormat.P010, pool)) {
            // A ramp of every 10-bit grey level a 1024-wide row holds: an 8-bit path would step by four.
            Frame in = frame(DrmFormat.XR30, 1024, 2);
            ByteBuffer b = in.buffer();
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 1024; x++) {
                    b.putInt(y * in.layout().stride(0) + 4 * x, 3 << 30 | x << 20 | x << 10 | x);
                }
            }
            P010 out = new P010(keep(converter.convert(in)));
            int distinct = 0;
            for (int x = 0; x < 1024; x++) {
                double v = x / 1023.0;
                int want = TestImages.yuv(Colorimetry.BT709_LIMITED, new double[] {v, v, v}, 10)[0];
                assertThat(out.y(x, 1)).as("Y of grey %d", x).isCloseTo(want, Offset.offset(4));
                distinct += x > 0 && out.y(x, 1) != out.y(x - 1, 1) ? 1 : 0;
            }
            assertThat(distinct).as("distinct luma steps over 1024 grey levels").isGreaterThan(800);
        }
    }

    @Test
    void passthroughNeedsTheSameFormatSizeAndColour() {
        try (FrameConverter p010 = FrameConverter.to(DrmFormat.P010, pool);
             FrameConverter recolour = FrameConverter.create(ConvertSettings.to(DrmFormat.NV12)
                     .withColorimetry(ALL[3]), pool)) {
            assertThat(p010.passesThrough(new VideoFormat(DrmFormat.P010, 64, 36))).isTrue();
            assertThat(p010.passesThrough(new VideoFormat(DrmFormat.NV12, 64, 36))).isFalse();
            assertThat(recolour.passesThrough(new VideoFormat(DrmFormat.NV12, 64, 36)))
                    .as("NV12 read as BT.709 limited, written as BT.601 full").isFalse();
        }
    }

    private static int[] clip(int[] codes) {
        return new int[] {Math.max(0, Math.min(255, codes[0])), Math.max(0, Math.min(255, codes[1])),
            Math.max(0, Math.min(255, codes[2]))};
    }

    private static void fillYuv(Frame frame, int y, int cb, int cr) {
        ByteBuffer b = frame.buffer();
        var l = frame.layout();
        switch (frame.format()) {
            case NV12:
            case YU12: {
                Yuv yuv = new Yuv(frame);
                for (int row = 0; row < frame.height(); row++) {
                    for (int x = 0; x < frame.width(); x++) {
                        yuv.set(x, row, y);
                    }
                }
                for (int cy = 0; cy < yuv.chromaHeight(); cy++) {
                    for (int cx = 0; cx < yuv.chromaWidth(); cx++) {
                        yuv.setChroma(cx, cy, cb, cr);
                    }
                }
                break;
            }
            case YUYV:
                for (int row = 0; row < frame.height(); row++) {
                    for (int pair = 0; pair < (frame.width() + 1) / 2; pair++) {
                        int at = (int) l.offset(0) + row * l.stride(0) + 4 * pair;
                        b.put(at, (byte) y).put(at + 1, (byte) cb).put(at + 2, (byte) y).put(at + 3, (byte) cr);
                    }
                }
                break;
            case P010: {
                P010 p = new P010(frame);
                for (int row = 0; row < frame.height(); row++) {
                    for (int x = 0; x < frame.width(); x++) {
                        p.set(x, row, y * 4);
                    }
                }
                for (int cy = 0; cy < (frame.height() + 1) / 2; cy++) {
                    for (int cx = 0; cx < (frame.width() + 1) / 2; cx++) {
                        p.setChroma(cx, cy, cb * 4, cr * 4);
                    }
                }
                break;
            }
            default:
                throw new IllegalArgumentException("not YUV: " + frame);
        }
    }

    /** Every luma and chroma sample of an NV12, YU12 or P010 frame equals {Y, Cb, Cr} within {@code codes} 8-bit codes. */
    private static void assertFlat(Frame out, int[] want, int codes, String what) {
        int w = out.width();
        int h = out.height();
        if (out.format() == DrmFormat.P010) {
            P010 p = new P010(out);
            Offset<Integer> tolerance = Offset.offset(4 * codes);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertThat(p.y(x, y)).as("%s: Y at %d,%d", what, x, y).isCloseTo(want[0], tolerance);
                    assertThat(p.yLowBits(x, y)).as("%s: low bits of Y at %d,%d", what, x, y).isZero();
                }
            }
            for (int cy = 0; cy < h / 2; cy++) {
                for (int cx = 0; cx < w / 2; cx++) {
                    assertThat(p.cb(cx, cy)).as("%s: Cb at %d,%d", what, cx, cy).isCloseTo(want[1], tolerance);
                    assertThat(p.cr(cx, cy)).as("%s: Cr at %d,%d", what, cx, cy).isCloseTo(want[2], tolerance);
                }
            }
            return;
        }
        Yuv yuv = new Yuv(out);
        Offset<Integer> tolerance = Offset.offset(codes);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertThat(yuv.y(x, y)).as("%s: Y at %d,%d", what, x, y).isCloseTo(want[0], tolerance);
            }
        }
        for (int cy = 0; cy < h / 2; cy++) {
            for (int cx = 0; cx < w / 2; cx++) {
                assertThat(yuv.cb(cx, cy)).as("%s: Cb at %d,%d", what, cx, cy).isCloseTo(want[1], tolerance);
                assertThat(yuv.cr(cx, cy)).as("%s: Cr at %d,%d", what, cx, cy).isCloseTo(want[2], tolerance);
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
