package io.scanout.capture.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.internal.Fourcc;
import io.scanout.core.DrmFormat;
import io.scanout.core.PlaneLayout;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegionMetadataTest {
    private static final int XR24 = DrmFormat.XR24.fourcc();

    private static RegionMetadata md(int argsz, int format, int offset, int width, int height, int stride) {
        return new RegionMetadata(argsz, format, offset, width, height, stride);
    }

    @Test
    void aValidStructBecomesALayout() throws Exception {
        PlaneLayout layout = md(28, XR24, 64, 100, 50, 416).validate(64 + 416 * 50);
        assertThat(layout).isEqualTo(PlaneLayout.of(DrmFormat.XR24, 100, 50, new long[] {64}, new int[] {416}));
        // Exactly filling the framebuffer area is fine; one byte more is not.
        assertThatThrownBy(() -> md(28, XR24, 65, 100, 50, 416).validate(64 + 416 * 50))
                .isInstanceOf(RegionMetadataException.class)
                .hasMessage("offset 65 + stride 416 × height 50 = 20865 B reaches past the framebuffer area of 20864 B"
                        + " (region size - 28)");
    }

    @Test
    void fieldsAreUnsigned() {
        // 0x80000000 is negative as an int: a signed reader would pass "offset + size <= region".
        assertThatThrownBy(() -> md(28, XR24, 0x80000000, 16, 16, 64).validate(1 << 20))
                .hasMessage("offset 2147483648 + stride 64 × height 16 = 2147484672 B reaches past the framebuffer"
                        + " area of 1048576 B (region size - 28)");
        assertThatThrownBy(() -> md(28, XR24, 0, 16, -16, 64).validate(1 << 20))
                .hasMessage("frame size 16x4294967280 is past the largest Scanout takes, 16384x16384");
        assertThatThrownBy(() -> md(-1, XR24, 0, 16, 16, 64).validate(1 << 20))
                .hasMessage("argsz is 4294967295, not 28 (the size of struct vfio_framebuffer)");
    }

    @Test
    void aStrideOfExactlyOneRowIsEnoughForEveryOnePlaneFormat() throws Exception {
        for (DrmFormat f : DrmFormat.values()) {
            if (f.planeCount() != 1) {
                assertThatThrownBy(() -> md(28, f.fourcc(), 0, 16, 16, 64).validate(1 << 20))
                        .hasMessageContaining("format " + f + " has " + f.planeCount() + " planes");
                continue;
            }
            int row = (int) f.rowBytes(0, 17);
            assertThat(md(28, f.fourcc(), 0, 17, 3, row).validate(row * 3L).stride(0)).isEqualTo(row);
            assertThatThrownBy(() -> md(28, f.fourcc(), 0, 17, 3, row - 1).validate(1 << 20))
                    .hasMessage("stride " + (row - 1) + " B is smaller than a row of 17 " + f + " pixels (" + row + " B)");
        }
    }

    @Test
    void fourccsAreNamedInHexAndAsCharacters() {
        assertThat(Fourcc.describe(DrmFormat.fourcc("YUV9"))).isEqualTo("0x39565559 ('YUV9')");
        assertThat(Fourcc.describe(0)).isEqualTo("0x00000000 ('\\x00\\x00\\x00\\x00')");
        assertThat(Fourcc.describe(0xff412742)).isEqualTo("0xff412742 ('B\\x27A\\xff')");
        assertThatThrownBy(() -> md(28, 0xdeadbeef, 0, 16, 16, 64).validate(1 << 20))
                .hasMessage("unknown DRM fourcc 0xdeadbeef ('\\xef\\xbe\\xad\\xde')");
    }

    @Test
    void eachCorruptionIsCaughtAsItsOwnFault() {
        Map<RegionCorruption, RegionFault> faults = new EnumMap<>(RegionCorruption.class);
        faults.put(RegionCorruption.WRONG_ARGSZ, RegionFault.ARGSZ);
        faults.put(RegionCorruption.UNKNOWN_FOURCC, RegionFault.UNKNOWN_FORMAT);
        faults.put(RegionCorruption.MULTI_PLANE_FORMAT, RegionFault.MULTI_PLANE_FORMAT);
        faults.put(RegionCorruption.ZERO_WIDTH, RegionFault.ZERO_SIZE);
        faults.put(RegionCorruption.ZERO_HEIGHT, RegionFault.ZERO_SIZE);
        faults.put(RegionCorruption.ZERO_STRIDE, RegionFault.ZERO_SIZE);
        faults.put(RegionCorruption.HUGE_WIDTH, RegionFault.TOO_LARGE);
        faults.put(RegionCorruption.STRIDE_TOO_SMALL, RegionFault.STRIDE_TOO_SMALL);
        faults.put(RegionCorruption.PAST_REGION_END, RegionFault.OUTSIDE_REGION);
        faults.put(RegionCorruption.OFFSET_WRAPS, RegionFault.OUTSIDE_REGION);
        faults.put(RegionCorruption.STRIDE_TIMES_HEIGHT_WRAPS, RegionFault.OUTSIDE_REGION);
        assertThat(faults.keySet()).containsExactlyInAnyOrder(RegionCorruption.values());

        long framebuffer = 1 << 20;
        for (int[] size : new int[][] {{320, 180}, {16, 16}, {1920, 1080 / 4}}) {
            RegionMetadata valid = RegionMetadata.of(PlaneLayout.packed(DrmFormat.XR24, size[0], size[1]));
            for (RegionCorruption c : RegionCorruption.values()) {
                RegionMetadata bad = c.apply(valid, framebuffer);
                assertThatThrownBy(() -> bad.validate(framebuffer)).as("%s at %dx%d", c, size[0], size[1])
                        .isInstanceOfSatisfying(RegionMetadataException.class,
                                e -> assertThat(e.fault()).isEqualTo(faults.get(c)));
            }
        }
    }
}
