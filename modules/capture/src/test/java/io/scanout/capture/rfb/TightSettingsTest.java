package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.SourceUri;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The {@code jpeg} parameter of a vnc URI: lossless Tight unless asked, and Tight preferred when asked. */
class TightSettingsTest {
    private static RfbSettings parse(String uri) {
        return RfbSettings.parse(SourceUri.parse(uri));
    }

    @Test
    void tightIsOfferedLosslessByDefault() {
        RfbSettings d = parse("vnc://h");
        assertThat(d.encodings()).contains(Encodings.TIGHT);
        assertThat(d.encodings().indexOf(Encodings.ZRLE)).isLessThan(d.encodings().indexOf(Encodings.TIGHT));
        assertThat(d.jpegQuality()).isEmpty();
        assertThat(d.toUri()).doesNotContain("jpeg");
    }

    @Test
    void aJpegQualityPutsTightFirstAndShowsInTheUri() {
        RfbSettings s = parse("vnc://h?jpeg=7");
        assertThat(s.jpegQuality()).isEqualTo(OptionalInt.of(7));
        assertThat(s.encodings()).containsExactly(Encodings.COPY_RECT, Encodings.TIGHT, Encodings.ZRLE,
                Encodings.HEXTILE, Encodings.RRE, Encodings.RAW);
        assertThat(s.toUri()).isEqualTo("vnc://h:5900?shared=1&fps=60&encodings=copyrect,tight,zrle,hextile,rre,raw"
                + "&jpeg=7");
        assertThat(parse(s.toUri())).isEqualTo(s);
        // An explicit list is kept as given.
        assertThat(parse("vnc://h?jpeg=0&encodings=zrle,tight").encodings())
                .containsExactly(Encodings.ZRLE, Encodings.TIGHT);
        assertThat(RfbSettings.of("h", 5900).withJpegQuality(OptionalInt.of(9)).withFps(30).jpegQuality())
                .isEqualTo(OptionalInt.of(9));
    }

    @Test
    void badJpegQualitiesSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("vnc://h?jpeg=10"))
                .hasMessage("source URI 'vnc://h?jpeg=10': parameter 'jpeg' must be in 0..9, not 10");
        assertThatThrownBy(() -> parse("vnc://h?jpeg=5&encodings=zrle,raw"))
                .hasMessage("source URI 'vnc://h?jpeg=5&encodings=zrle,raw': JPEG quality 5 needs the tight encoding,"
                        + " which is not in zrle,raw");
        assertThatThrownBy(() -> RfbSettings.of("h", 5900).withJpegQuality(OptionalInt.of(-1)))
                .hasMessage("JPEG quality -1 is outside 0..9");
    }

    @Test
    void theQualityPseudoEncodingsHaveNames() {
        assertThat(Encodings.name(Encodings.JPEG_QUALITY_0)).isEqualTo("JPEG quality 0");
        assertThat(Encodings.name(Encodings.JPEG_QUALITY_0 + 9)).isEqualTo("JPEG quality 9");
        assertThat(Encodings.name(Encodings.JPEG_QUALITY_0 + 10)).isEqualTo("encoding -22");
    }
}
