package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.DrmFormat;
import io.scanout.core.Rect;
import org.junit.jupiter.api.Test;

class ConvertSettingsTest {
    @Test
    void defaultsAreBt709LimitedNoCropNoScalingAutoThreads() {
        ConvertSettings s = ConvertSettings.to(DrmFormat.NV12);
        assertThat(s.colorimetry()).isEqualTo(Colorimetry.BT709_LIMITED);
        assertThat(s.yuvInput()).isEqualTo(Colorimetry.BT709_LIMITED);
        assertThat(s.crop()).isEmpty();
        assertThat(s.scaling()).isEqualTo(Scaling.none());
        assertThat(s.threads()).isEqualTo(ConvertSettings.AUTO_THREADS);
        assertThat(s.toString()).isEqualTo("NV12, BT.709 limited range, threads auto");
    }

    @Test
    void withersChangeOneThing() {
        ConvertSettings s = ConvertSettings.to(DrmFormat.P010)
                .withColorimetry(Colorimetry.parse("bt601-full"))
                .withCrop(new Rect(0, 0, 100, 50))
                .withScaling(Scaling.fitInside(1920, 1080))
                .withThreads(2);
        assertThat(s.target()).isEqualTo(DrmFormat.P010);
        assertThat(s.colorimetry()).isEqualTo(new Colorimetry(Colorimetry.Matrix.BT601, Colorimetry.Range.FULL));
        assertThat(s.crop()).contains(new Rect(0, 0, 100, 50));
        assertThat(s.withoutCrop().crop()).isEmpty();
        assertThat(s.threadsFor(10)).isEqualTo(2);
        assertThat(s.toString()).isEqualTo("P010, BT.601 full range, YUV input BT.709 limited range, crop 0,0 100x50, "
                + "scale fit inside 1920x1080 (bicubic), threads 2");
    }

    @Test
    void autoThreadsAreOneForSmallFramesAndAFewForLargeOnes() {
        ConvertSettings s = ConvertSettings.to(DrmFormat.NV12);
        assertThat(s.threadsFor(1280L * 720)).isEqualTo(1);
        int large = s.threadsFor(1920L * 1080);
        assertThat(large).isBetween(1, ConvertSettings.AUTO_THREADS_MAX)
                .isEqualTo(Math.min(ConvertSettings.AUTO_THREADS_MAX, Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> ConvertSettings.to(DrmFormat.NV12).withThreads(17))
                .hasMessage("threads must be 0 (auto) or 1..16, not 17");
        assertThatThrownBy(() -> ConvertSettings.to(DrmFormat.NV12).withCrop(new Rect(5, 5, 0, 10)))
                .hasMessage("an empty crop 5,5 0x10 leaves nothing to encode");
        assertThatThrownBy(() -> Colorimetry.parse("bt2020-limited"))
                .hasMessage("a colorimetry is bt709-limited, bt709-full, bt601-limited or bt601-full, not 'bt2020-limited'");
        assertThatThrownBy(() -> Scaling.fitInside(1921, 1080))
                .hasMessage("the fit size must be even and within 2x2..16384x16384 (4:2:0 encoders take even sizes), not 1921x1080");
        assertThatThrownBy(() -> Scaling.exactly(0, 0))
                .hasMessage("the exact size must be even and within 2x2..16384x16384 (4:2:0 encoders take even sizes), not 0x0");
    }

    @Test
    void colorimetryParsesAndPrints() {
        assertThat(Colorimetry.parse("BT709-Limited")).isEqualTo(Colorimetry.BT709_LIMITED);
        assertThat(Colorimetry.parse(" bt601-limited ").toString()).isEqualTo("BT.601 limited range");
    }

    @Test
    void scalingSizes() {
        Scaling fit = Scaling.fitInside(1920, 1080);
        assertThat(size(fit, 3840, 2160)).containsExactly(1920, 1080);
        assertThat(size(fit, 2560, 1600)).containsExactly(1728, 1080);
        assertThat(size(fit, 1920, 1200)).containsExactly(1728, 1080);
        assertThat(size(fit, 5120, 1440)).as("ultrawide: width binds").containsExactly(1920, 540);
        assertThat(size(fit, 1921, 1081)).containsExactly(1920, 1080);
        assertThat(size(fit, 1280, 1024)).as("inside already").containsExactly(1280, 1024);
        assertThat(size(fit, 1279, 719)).as("inside, padded to even").containsExactly(1280, 720);
        assertThat(size(fit, 1, 5000)).as("never below 2").containsExactly(2, 1080);
        assertThat(size(Scaling.exactly(640, 360), 3840, 2160)).containsExactly(640, 360);
        assertThat(size(Scaling.exactly(640, 360), 100, 100)).as("exact enlarges too").containsExactly(640, 360);
        assertThat(size(Scaling.none(), 33, 17)).containsExactly(34, 18);
    }

    private static int[] size(Scaling s, int w, int h) {
        return new int[] {s.outputWidth(w, h), s.outputHeight(w, h)};
    }
}
