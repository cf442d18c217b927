package io.scanout.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CodecConfigTest {
    private static final byte[] SETS = {0, 0, 0, 1, 0x40, 1, 0, 0, 0, 1, 0x42, 1, 0, 0, 0, 1, 0x44, 1};

    private static CodecConfig hevc(int bitDepth) {
        return new CodecConfig(Codec.HEVC, "libx265", 1280, 720, bitDepth, "hev1.1.6.L93.B0", SETS);
    }

    @Test
    void theBitDepthIsPartOfTheValue() {
        assertThat(hevc(10)).isEqualTo(hevc(10)).hasSameHashCodeAs(hevc(10)).isNotEqualTo(hevc(8));
        assertThat(hevc(10).hashCode()).isNotEqualTo(hevc(8).hashCode());
        assertThat(hevc(10).bitDepth()).isEqualTo(10);
        assertThat(hevc(10)).hasToString("hevc hev1.1.6.L93.B0 1280x720 10-bit by libx265 (18 B of parameter sets)");
    }

    @Test
    void onlyEightAndTenBitsAreTaken() {
        for (int depth : new int[] {0, 7, 9, 12, 16, -8}) {
            assertThatThrownBy(() -> hevc(depth)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a hevc stream of " + depth + " bits per sample; Scanout streams are 8 or 10 bits"
                            + " (codec string hev1.1.6.L93.B0)");
        }
    }

    @Test
    void theParameterSetsAreCopiedInAndOut() {
        byte[] sets = SETS.clone();
        CodecConfig config = new CodecConfig(Codec.HEVC, "libx265", 64, 48, 8, "hev1.1.6.L93.B0", sets);
        sets[4] = 0;
        config.parameterSets()[5] = 9;
        assertThat(config.parameterSets()).isEqualTo(SETS);
        assertThat(config.parameterSetsLength()).isEqualTo(SETS.length);
    }
}
