package io.scanout.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DrmFormatTest {
    @Test
    void fourccValuesAreTheKernels() {
        // Values of drm_fourcc.h's DRM_FORMAT_* macros, as the kernel computes them.
        assertThat(DrmFormat.XR24.fourcc()).isEqualTo(0x34325258);
        assertThat(DrmFormat.AR24.fourcc()).isEqualTo(0x34325241);
        assertThat(DrmFormat.NV12.fourcc()).isEqualTo(0x3231564e);
        assertThat(DrmFormat.P010.fourcc()).isEqualTo(0x30313050);
        assertThat(DrmFormat.RG16.fourcc()).isEqualTo(0x36314752);
    }

    @Test
    void parsesAndPrintsFourCharacterCodes() {
        for (DrmFormat f : DrmFormat.values()) {
            assertThat(DrmFormat.parse(f.toString())).isSameAs(f);
            assertThat(DrmFormat.fromFourcc(f.fourcc())).contains(f);
            assertThat(DrmFormat.describeFourcc(f.fourcc())).isEqualTo(f.code());
        }
        assertThat(DrmFormat.fromFourcc(DrmFormat.fourcc("ZZZZ"))).isEmpty();
        assertThat(DrmFormat.describeFourcc(0x01020304)).isEqualTo("0x01020304");
        assertThatThrownBy(() -> DrmFormat.parse("xr24")).hasMessageContaining("unknown DRM format 'xr24'")
                .hasMessageContaining("XR24");
    }

    @Test
    void planesAndSubsampling() {
        assertThat(DrmFormat.XR24.planeCount()).isEqualTo(1);
        assertThat(DrmFormat.XR24.rowBytes(0, 1920)).isEqualTo(7680);
        assertThat(DrmFormat.RG24.rowBytes(0, 3)).isEqualTo(9);
        assertThat(DrmFormat.NV12.planeCount()).isEqualTo(2);
        assertThat(DrmFormat.NV12.rowBytes(1, 33)).as("Cb/Cr pairs, rounded up").isEqualTo(34);
        assertThat(DrmFormat.NV12.planeHeight(1, 17)).isEqualTo(9);
        assertThat(DrmFormat.YU12.rowBytes(2, 33)).isEqualTo(17);
        assertThat(DrmFormat.P010.rowBytes(0, 10)).isEqualTo(20);
        assertThat(DrmFormat.P010.rowBytes(1, 10)).isEqualTo(20);
        assertThat(DrmFormat.YUYV.rowBytes(0, 5)).as("pixel pairs").isEqualTo(12);
        assertThat(DrmFormat.XR30.bitsPerComponent()).isEqualTo(10);
        assertThat(DrmFormat.AR24.hasAlpha()).isTrue();
        assertThat(DrmFormat.XR24.hasAlpha()).isFalse();
    }
}
