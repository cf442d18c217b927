package io.scanout.capture.vfio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EdidTest {
    /** Reads a detailed timing descriptor as the EDID 1.4 spec lays it out, apart from the writer. */
    private static int[] dtd(byte[] e, int at) {
        int clock = (e[at] & 0xff) | (e[at + 1] & 0xff) << 8;
        int hActive = (e[at + 2] & 0xff) | (e[at + 4] & 0xf0) << 4;
        int hBlank = (e[at + 3] & 0xff) | (e[at + 4] & 0x0f) << 8;
        int vActive = (e[at + 5] & 0xff) | (e[at + 7] & 0xf0) << 4;
        int vBlank = (e[at + 6] & 0xff) | (e[at + 7] & 0x0f) << 8;
        int hFront = (e[at + 8] & 0xff) | (e[at + 11] & 0xc0) << 2;
        int hSync = (e[at + 9] & 0xff) | (e[at + 11] & 0x30) << 4;
        int vFront = (e[at + 10] & 0xf0) >> 4 | (e[at + 11] & 0x0c) << 2;
        int vSync = (e[at + 10] & 0x0f) | (e[at + 11] & 0x03) << 4;
        return new int[] {clock, hActive, hBlank, vActive, vBlank, hFront, hSync, vFront, vSync};
    }

    @Test
    void aValidBaseBlockWithThePreferredModeFirst() {
        for (int[] size : new int[][] {{320, 200}, {800, 600}, {1920, 1080}, {2560, 1600}, {3840, 2160}, {4095, 4095}}) {
            byte[] e = Edid.preferring(size[0], size[1]);
            assertThat(e).hasSize(128).startsWith(0, -1, -1, -1, -1, -1, -1, 0);
            int sum = 0;
            for (byte b : e) {
                sum += b & 0xff;
            }
            assertThat(sum % 256).as("checksum of %dx%d", size[0], size[1]).isZero();
            assertThat(e[18]).isEqualTo((byte) 1);
            assertThat(e[19]).isEqualTo((byte) 4);
            assertThat(e[24] & 0x02).as("preferred timing mode flag").isNotZero();
            int[] t = dtd(e, 54);
            assertThat(t[1]).isEqualTo(size[0]);
            assertThat(t[3]).isEqualTo(size[1]);
            assertThat(t[0]).as("pixel clock").isPositive().isLessThanOrEqualTo(65535);
            assertThat(t[5] + t[6]).as("front porch + sync within the blanking").isLessThanOrEqualTo(t[2]);
            assertThat(t[7] + t[8]).isLessThanOrEqualTo(t[4]);
            assertThat(new String(e, 72 + 5, 7, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("Scanout");
        }
    }

    @Test
    void sizesADescriptorCannotHoldAreRefused() {
        assertThatThrownBy(() -> Edid.preferring(4096, 2160)).hasMessage("an EDID mode is 1x1..4095x4095, not 4096x2160");
        assertThatThrownBy(() -> Edid.preferring(0, 10)).hasMessage("an EDID mode is 1x1..4095x4095, not 0x10");
    }
}
