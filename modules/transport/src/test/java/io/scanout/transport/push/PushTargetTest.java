package io.scanout.transport.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.transport.mux.MuxFormat;
import org.junit.jupiter.api.Test;

class PushTargetTest {

    @Test
    void eachSchemeGetsItsContainer() {
        assertThat(PushTarget.parse("rtmp://127.0.0.1/live/key").format()).isEqualTo(MuxFormat.FLV);
        assertThat(PushTarget.parse("rtsp://127.0.0.1:8554/s").format()).isEqualTo(MuxFormat.RTSP);
        assertThat(PushTarget.parse("srt://127.0.0.1:9000").format()).isEqualTo(MuxFormat.MPEG_TS);
        assertThat(PushTarget.parse("RTMP://h/a/b").scheme()).isEqualTo("rtmp");
    }

    @Test
    void thisFfmpegBuildWritesSrt() {
        // The JavaCPP presets' FFmpeg is built with libsrt; if a build without it is used, parse refuses srt URLs.
        assertThat(PushTarget.outputProtocols()).contains("rtmp", "tcp", "srt");
    }

    @Test
    void secretsAreMaskedInWhatLogsShow() {
        assertThat(PushTarget.parse("rtmp://user:pw@live.example:1935/app/s3cr3t").shown())
                .isEqualTo("rtmp://***@live.example:1935/app/***");
        assertThat(PushTarget.parse("srt://h:9000?streamid=publish:x&passphrase=hunter22").shown())
                .isEqualTo("srt://h:9000?***");
        assertThat(PushTarget.parse("rtsp://h:8554/cam").toString()).isEqualTo("rtsp://h:8554/cam");
    }

    @Test
    void schemesScanoutDoesNotPushToAreRefusedWithTheChoices() {
        assertThatThrownBy(() -> PushTarget.parse("http://127.0.0.1/live"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://127.0.0.1/live").hasMessageContaining("srt://")
                .hasMessageContaining("rtsp://").hasMessageContaining("rtmp://");
        assertThatThrownBy(() -> PushTarget.parse("udp://1.2.3.4:5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PushTarget.parse("/tmp/file.flv")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PushTarget.parse("rtmp:///live/x")).hasMessageContaining("no host");
        assertThatThrownBy(() -> PushTarget.parse("rtmp://h/a b")).hasMessageContaining("not a URL");
        assertThatThrownBy(() -> PushTarget.parse(" ")).hasMessageContaining("required");
    }
}
