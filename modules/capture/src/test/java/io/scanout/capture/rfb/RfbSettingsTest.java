package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.capture.FrameSource;
import io.scanout.capture.FrameSources;
import io.scanout.capture.SourceUri;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RfbSettingsTest {
    private static RfbSettings parse(String uri) {
        return RfbSettings.parse(SourceUri.parse(uri));
    }

    @Test
    void defaultsAndEveryParameter() {
        RfbSettings d = parse("vnc://example.org");
        assertThat(d).isEqualTo(RfbSettings.of("example.org", 5900));
        assertThat(d.encodings()).containsExactly(Encodings.COPY_RECT, Encodings.ZRLE, Encodings.TIGHT,
                Encodings.HEXTILE, Encodings.RRE, Encodings.RAW);
        assertThat(d.shared()).isTrue();
        assertThat(d.fps()).isEqualTo(60);
        assertThat(d.cursor()).isFalse();
        assertThat(d.serverFormat()).isFalse();
        assertThat(d.timeoutMillis()).isEqualTo(10_000);

        RfbSettings all = parse("vnc://10.0.0.2:5901?password=p%26ss&shared=0&fps=15&cursor=1&encodings=ZRLE,raw"
                + "&format=server&timeout=3");
        assertThat(all).isEqualTo(new RfbSettings("10.0.0.2", 5901, Optional.of("p&ss"), false, 15, true,
                List.of(Encodings.ZRLE, Encodings.RAW), true, 3000));
        assertThat(parse("vnc://[::1]:5999").host()).isEqualTo("::1");
        assertThat(parse("vnc://[::1]").port()).isEqualTo(5900);
        assertThat(parse("vnc://host:5905/").port()).isEqualTo(5905);
    }

    @Test
    void thePasswordNeverShows() {
        RfbSettings s = parse("vnc://h:5900?password=hunter2");
        assertThat(s.toString()).doesNotContain("hunter2").contains("password=***");
        assertThat(s.toUri()).isEqualTo("vnc://h:5900?password=***&shared=1&fps=60"
                + "&encodings=copyrect,zrle,tight,hextile,rre,raw");
        FrameSource source = FrameSources.open("vnc://h:5900?password=hunter2", new FramePool(), StreamMeters.noop());
        assertThat(source).isInstanceOf(RfbSource.class);
        assertThat(source.uri()).isEqualTo("vnc://h:5900?password=***");
    }

    @Test
    void badUrisSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("vnc://h:0")).hasMessage("source URI 'vnc://h:0': port 0 is outside 1..65535");
        assertThatThrownBy(() -> parse("vnc://h:59o0"))
                .hasMessage("source URI 'vnc://h:59o0': port must be a number in 1..65535, not '59o0'");
        assertThatThrownBy(() -> parse("vnc://:5900"))
                .hasMessage("source URI 'vnc://:5900': a VNC source needs a host: vnc://HOST[:PORT], not ':5900'");
        assertThatThrownBy(() -> parse("vnc://::1:5900"))
                .hasMessage("source URI 'vnc://::1:5900': write an IPv6 address in brackets, vnc://[::1]:5900, not"
                        + " '::1:5900'");
        assertThatThrownBy(() -> parse("vnc://h?fps=0"))
                .hasMessage("source URI 'vnc://h?fps=0': parameter 'fps' must be in 1..240, not 0");
        assertThatThrownBy(() -> parse("vnc://h?encodings=zlib"))
                .hasMessage("source URI 'vnc://h?encodings=zlib': unknown encoding 'zlib' (known: copyrect, zrle,"
                        + " tight, hextile, rre, raw)");
        assertThatThrownBy(() -> parse("vnc://h?encodings=raw,raw"))
                .hasMessage("source URI 'vnc://h?encodings=raw,raw': encoding 'raw' is listed twice");
        assertThatThrownBy(() -> parse("vnc://h?shared=maybe"))
                .hasMessage("source URI 'vnc://h?shared=maybe': parameter 'shared' must be 1 or 0, not 'maybe'");
        assertThatThrownBy(() -> parse("vnc://h?format=rgb"))
                .hasMessage("source URI 'vnc://h?format=rgb': parameter 'format' must be bgrx or server, not 'rgb'");
        assertThatThrownBy(() -> parse("vnc://user:pw@h"))
                .hasMessage("source URI 'vnc://***@h': user info is not used by VNC; give the password as"
                        + " ?password=…");
        assertThatThrownBy(() -> parse("vnc://h?pasword=x"))
                .hasMessageStartingWith("source URI 'vnc://h?pasword=x': unknown parameter 'pasword' for vnc (known: ");
        assertThatThrownBy(() -> parse("vnc://h?timeout=0"))
                .hasMessage("source URI 'vnc://h?timeout=0': parameter 'timeout' must be in 1..600, not 0");
    }
}
