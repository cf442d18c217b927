package io.scanout.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlaneLayoutTest {
    @Test
    void packedLayoutsPutPlanesOneAfterAnother() {
        PlaneLayout nv12 = PlaneLayout.packed(DrmFormat.NV12, 6, 4);
        assertThat(nv12.offset(0)).isZero();
        assertThat(nv12.stride(0)).isEqualTo(6);
        assertThat(nv12.offset(1)).isEqualTo(24);
        assertThat(nv12.stride(1)).isEqualTo(6);
        assertThat(nv12.requiredBytes()).isEqualTo(36);

        PlaneLayout aligned = PlaneLayout.packed(DrmFormat.XR24, 17, 2, 64);
        assertThat(aligned.stride(0)).isEqualTo(128);
        assertThat(aligned.requiredBytes()).isEqualTo(256);
    }

    @Test
    void aStrideShorterThanARowNamesTheNumbers() {
        assertThatThrownBy(() -> PlaneLayout.of(DrmFormat.XR24, 64, 8, new long[] {0}, new int[] {100}))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("plane 0 of XR24 64x8: stride 100 B is smaller than a row of 256 B");
    }

    @Test
    void aPlaneOutsideTheBufferNamesTheNumbers() {
        assertThatThrownBy(() -> PlaneLayout.of(DrmFormat.NV12, 64, 8, new long[] {0, 600}, new int[] {64, 64}, 800))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("plane 1 of NV12 64x8 (offset 600, stride 64, 4 rows) ends at byte 856, past the buffer's 800 B");
    }

    @Test
    void sizesAndPlaneCountsAreChecked() {
        assertThatThrownBy(() -> PlaneLayout.packed(DrmFormat.XR24, 0, 10))
                .hasMessageContaining("frame size 0x10 is outside");
        assertThatThrownBy(() -> PlaneLayout.packed(DrmFormat.XR24, 16385, 10))
                .hasMessageContaining("16385x10");
        assertThatThrownBy(() -> PlaneLayout.of(DrmFormat.NV12, 8, 8, new long[] {0}, new int[] {8}))
                .hasMessageContaining("NV12 has 2 plane(s), but the layout gives 1 offset(s) and 1 stride(s)");
        assertThatThrownBy(() -> PlaneLayout.of(DrmFormat.XR24, 8, 8, new long[] {-4}, new int[] {32}))
                .hasMessageContaining("negative offset -4");
    }

    @Test
    void hugeStridesDoNotOverflow() {
        PlaneLayout layout = PlaneLayout.of(DrmFormat.XR24, 16384, 16384, new long[] {0}, new int[] {Integer.MAX_VALUE});
        assertThat(layout.requiredBytes()).isEqualTo((long) Integer.MAX_VALUE * 16384);
        assertThatThrownBy(() -> layout.checkFits(1L << 32)).isInstanceOf(InvalidLayoutException.class);
    }
}
