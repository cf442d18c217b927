package io.scanout.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceUriTest {
    @Test
    void splitsSchemeTargetAndParameters() {
        SourceUri uri = SourceUri.parse("synthetic:1280x720@30?format=XR24&fps=60");

        assertThat(uri.scheme()).isEqualTo("synthetic");
        assertThat(uri.target()).isEqualTo("1280x720@30");
        assertThat(uri.param("format")).contains("XR24");
        assertThat(uri.param("fps")).contains("60");
        assertThat(uri.param("missing")).isEmpty();
        assertThat(uri.params()).containsOnlyKeys("format", "fps");
        assertThat(uri).hasToString("synthetic:1280x720@30?format=XR24&fps=60");
    }

    @Test
    void readsTheOtherSchemesShapes() {
        SourceUri vnc = SourceUri.parse("VNC://host:5900?password=x");
        assertThat(vnc.scheme()).isEqualTo("vnc");
        assertThat(vnc.target()).isEqualTo("host:5900");
        assertThat(vnc.param("password")).contains("x");

        SourceUri region = SourceUri.parse("region:/dev/shm/fb?fps=60");
        assertThat(region.target()).isEqualTo("/dev/shm/fb");
        assertThat(region.intParam("fps", 30, 1, 240)).isEqualTo(60);

        SourceUri x11 = SourceUri.parse("x11::99");
        assertThat(x11.scheme()).isEqualTo("x11");
        assertThat(x11.target()).isEqualTo(":99");
        assertThat(x11.params()).isEmpty();

        SourceUri bare = SourceUri.parse("synthetic:");
        assertThat(bare.target()).isEmpty();
    }

    @Test
    void decodesPercentEscapesButNotPlus() {
        SourceUri uri = SourceUri.parse("region:/tmp/a%3Fb%20c?password=p%26w+d&flag");

        assertThat(uri.target()).isEqualTo("/tmp/a?b c");
        assertThat(uri.param("password")).contains("p&w+d");
        assertThat(uri.param("flag")).contains("");
    }

    @Test
    void masksSecretsWhenShown() {
        SourceUri uri = SourceUri.parse("vnc://user:hunter2@host:5900?password=hunter2&token=t0k&view=1");

        assertThat(uri.toString()).isEqualTo("vnc://***@host:5900?password=***&token=***&view=1")
                .doesNotContain("hunter2").doesNotContain("t0k");
        assertThat(uri.target()).isEqualTo("user:hunter2@host:5900");
    }

    @Test
    void intParamDefaultsAndNamesTheRange() {
        SourceUri uri = SourceUri.parse("region:/dev/shm/fb?fps=500&depth=abc");

        assertThat(uri.intParam("missing", 7, 1, 10)).isEqualTo(7);
        assertThatThrownBy(() -> uri.intParam("fps", 30, 1, 240))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source URI 'region:/dev/shm/fb?fps=500&depth=abc': parameter 'fps' must be in 1..240, not 500");
        assertThatThrownBy(() -> uri.intParam("depth", 24, 8, 32))
                .hasMessage("source URI 'region:/dev/shm/fb?fps=500&depth=abc': parameter 'depth' must be a whole number"
                        + " in 8..32, not 'abc'");
    }

    @Test
    void intParamNeverShowsASecret() {
        SourceUri uri = SourceUri.parse("vnc://h?password=sesame");

        assertThatThrownBy(() -> uri.intParam("password", 0, 0, 1)).message().doesNotContain("sesame");
    }

    @Test
    void unknownParametersAreNamed() {
        SourceUri uri = SourceUri.parse("synthetic:?fromat=XR24");

        assertThatThrownBy(() -> uri.requireKnownParams(List.of("format")))
                .hasMessage("source URI 'synthetic:?fromat=XR24': unknown parameter 'fromat' for synthetic (known: format)");
    }

    @Test
    void malformedUrisGiveOneLineMessages() {
        assertThatThrownBy(() -> SourceUri.parse(""))
                .hasMessage("a source URI is SCHEME:TARGET[?KEY=VALUE&...], e.g. synthetic:1280x720@30, not an empty string");
        assertThatThrownBy(() -> SourceUri.parse("1280x720"))
                .hasMessage("source URI '1280x720' has no scheme: write SCHEME:TARGET, e.g. synthetic:1280x720@30");
        assertThatThrownBy(() -> SourceUri.parse("9p:x"))
                .hasMessage("source URI '9p:x': scheme '9p' must start with a letter and hold only letters, digits,"
                        + " '+', '-' or '.'");
        assertThatThrownBy(() -> SourceUri.parse("synthetic:?=3"))
                .hasMessage("source URI 'synthetic:?=3': a parameter has no name (write KEY=VALUE, separated by '&')");
        assertThatThrownBy(() -> SourceUri.parse("synthetic:?a=1&a=2"))
                .hasMessage("source URI 'synthetic:?a=1&a=2': parameter 'a' is given twice");
        assertThatThrownBy(() -> SourceUri.parse("region:/a%zz"))
                .hasMessage("source URI 'region:/a%zz': a '%' in the target is not followed by two hex digits"
                        + " (write %25 for a '%')");
        assertThatThrownBy(() -> SourceUri.parse("region:/a\nb"))
                .hasMessage("source URI 'region:/a?b' holds a control character at position 9");
    }

    @Test
    void equalUrisAreEqual() {
        assertThat(SourceUri.parse("SYNTHETIC:64x64?format=XR24"))
                .isEqualTo(SourceUri.parse("synthetic:64x64?format=XR24"))
                .hasSameHashCodeAs(SourceUri.parse("synthetic:64x64?format=XR24"))
                .isNotEqualTo(SourceUri.parse("synthetic:64x64?format=XB24"));
    }
}
