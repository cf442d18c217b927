package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.FramePool;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HevcParameterSetsTest {
    private final FramePool pool = new FramePool();

    @AfterEach
    void closePool() {
        assertThat(pool.stats().outstanding()).isZero();
        pool.close();
    }

    @Test
    void x265sKeyframeGivesAnEightBitMainConfiguration() {
        List<EncodedFrames.Packet> packets = EncodedFrames.encode(EncoderCandidate.X265, pool, 320, 240, 1);

        CodecConfig config = HevcParameterSets.fromKeyframe(packets.get(0).data(), "libx265", 320, 240)
                .orElseThrow();
        assertThat(config.codec()).isEqualTo(Codec.HEVC);
        assertThat(config.codecString()).startsWith("hev1.1.");
        assertThat(config.bitDepth()).isEqualTo(8);
    }

    @Test
    void bitDepthIsReadPastSubLayersAndTheConformanceWindow() {
        assertThat(HevcParameterSets.bitDepth(sps(0, 2, false))).isEqualTo(10);
        assertThat(HevcParameterSets.bitDepth(sps(2, 2, true))).isEqualTo(10);
        assertThat(HevcParameterSets.bitDepth(sps(1, 0, true))).isEqualTo(8);
        assertThat(HevcParameterSets.codecString(sps(2, 2, true))).startsWith("hev1.2.4.L120");
    }

    @Test
    void whatIsNotAnSpsOrEndsEarlyIsAClearError() {
        byte[] vps = sps(0, 2, false);
        vps[0] = 0x40;
        assertThatThrownBy(() -> HevcParameterSets.bitDepth(vps)).hasMessageContaining("not an HEVC SPS")
                .hasMessageContaining("NAL type 32");
        byte[] whole = sps(0, 2, true);
        byte[] cut = java.util.Arrays.copyOf(whole, 18);
        assertThatThrownBy(() -> HevcParameterSets.bitDepth(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header ends early");
    }

    /**
     * An SPS (H.265 §7.3.2.2.1) of a Main 10 or Main stream, 1280x720 cropped by a conformance
     * window, with {@code subLayers} sub-layers past the first (the first with profile and level,
     * the others level only), emulation prevention applied.
     */
    private static byte[] sps(int subLayers, int depthMinus8, boolean window) {
        Bits b = new Bits();
        b.u(0, 4).u(subLayers, 3).u(1, 1); // vps id, max_sub_layers_minus1, temporal_id_nesting
        b.u(0, 2).u(0, 1).u(depthMinus8 == 2 ? 2 : 1, 5); // profile space, tier, general_profile_idc
        b.u(depthMinus8 == 2 ? 0x2000_0000L : 0x4000_0000L, 32).u(0b1001, 4).u(0, 32).u(0, 11).u(0, 1);
        b.u(120, 8); // general_level_idc
        for (int i = 0; i < subLayers; i++) {
            b.u(i == 0 ? 1 : 0, 1).u(1, 1); // sub_layer_profile_present, sub_layer_level_present
        }
        if (subLayers > 0) {
            b.u(0, 2 * (8 - subLayers));
        }
        for (int i = 0; i < subLayers; i++) {
            if (i == 0) {
                b.u(0, 8).u(0x2000_0000L, 32).u(0, 32).u(0, 16);
            }
            b.u(90, 8);
        }
        b.ue(0).ue(1).ue(1280).ue(720).u(window ? 1 : 0, 1);
        if (window) {
            b.ue(0).ue(0).ue(0).ue(4);
        }
        b.ue(depthMinus8).ue(depthMinus8).ue(0).u(1, 1); // luma, chroma, log2_max_poc_lsb_minus4, then more
        byte[] rbsp = b.bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x42);
        out.write(0x01);
        int zeros = 0;
        for (byte x : rbsp) {
            if (zeros == 2 && (x & 0xff) <= 3) {
                out.write(3);
                zeros = 0;
            }
            out.write(x);
            zeros = x == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    /** Writes bits most significant first, and unsigned Exp-Golomb codes; pads the last byte with zeros. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int count;

        Bits u(long value, int n) {
            for (int i = n - 1; i >= 0; i--) {
                current = current << 1 | (int) (value >>> i & 1);
                if (++count == 8) {
                    out.write(current);
                    current = 0;
                    count = 0;
                }
            }
            return this;
        }

        Bits ue(long value) {
            int length = 64 - Long.numberOfLeadingZeros(value + 1);
            return u(0, length - 1).u(value + 1, length);
        }

        byte[] bytes() {
            if (count > 0) {
                u(0, 8 - count);
            }
            return out.toByteArray();
        }
    }
}
