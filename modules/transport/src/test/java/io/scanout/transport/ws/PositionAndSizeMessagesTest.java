package io.scanout.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.input.CursorPosition;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** CURSOR_POSITION (8), WINDOW_SIZE (9) and CONFIG's window-size flag: layouts, round trips, validation. */
class PositionAndSizeMessagesTest {

    @Test
    void cursorPositionIsTenBytesBigEndian() {
        ByteBuffer m = ViewerMessages.encodeCursorPosition(new CursorPosition(0x0102, 0x0304, 0x0780, 0x0438));
        assertThat(bytes(m)).containsExactly(8, 1, 0x01, 0x02, 0x03, 0x04, 0x07, 0x80, 0x04, 0x38);
        assertThat(ViewerMessages.decode(m))
                .isEqualTo(new ViewerMessage.CursorPosition(new CursorPosition(0x0102, 0x0304, 1920, 1080)));
    }

    @Test
    void windowSizeIsSixBytesBigEndian() {
        ByteBuffer m = ViewerMessages.encodeWindowSize(800, 65535);
        assertThat(bytes(m)).containsExactly(9, 1, 0x03, 0x20, 0xff, 0xff);
        assertThat(ViewerMessages.decode(m)).isEqualTo(new ViewerMessage.WindowSize(800, 65535));
    }

    @Test
    void everyTruncationIsAClearError() {
        for (ByteBuffer message : new ByteBuffer[] {
                ViewerMessages.encodeCursorPosition(new CursorPosition(1, 2, 3, 4)),
                ViewerMessages.encodeWindowSize(640, 480)}) {
            for (int n = 0; n < message.remaining(); n++) {
                ByteBuffer cut = message.duplicate().limit(n);
                assertThatThrownBy(() -> ViewerMessages.decode(cut)).as("type %d cut to %d", message.get(0), n)
                        .isInstanceOf(ViewerProtocolException.class)
                        .hasMessageContaining("truncated").hasMessageContaining("the message has " + n);
            }
        }
    }

    @Test
    void trailingBytesAreIgnoredAsForEveryMessage() {
        ByteBuffer longer = ByteBuffer.allocate(9).put(ViewerMessages.encodeWindowSize(3, 4)).put(new byte[3]).flip();
        assertThat(ViewerMessages.decode(longer)).isEqualTo(new ViewerMessage.WindowSize(3, 4));
    }

    @Test
    void fieldsOutOfRangeAreRejected() {
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(new byte[] {9, 1, 0, 0, 0, 5})))
                .isInstanceOf(ViewerProtocolException.class).hasMessageContaining("WINDOW_SIZE of 0x5");
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(new byte[] {8, 1, 0, 10, 0, 0, 0, 10, 0, 5})))
                .isInstanceOf(ViewerProtocolException.class)
                .hasMessageContaining("CURSOR_POSITION 10,0 is not on its 10x5 display");
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(new byte[] {8, 1, 0, 0, 0, 0, 0, 0, 0, 0})))
                .isInstanceOf(ViewerProtocolException.class).hasMessageContaining("0x0 display");
        assertThatThrownBy(() -> ViewerMessages.encodeWindowSize(0, 10)).hasMessageContaining("0x10");
        assertThatThrownBy(() -> ViewerMessages.encodeWindowSize(65536, 10)).hasMessageContaining("65536");
        assertThatThrownBy(() -> ViewerMessages.encodeCursorPosition(new CursorPosition(0, 0, 70000, 10)))
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> new CursorPosition(5, 0, 5, 5)).hasMessageContaining("5,0 is not on a 5x5 display");
        assertThat(CursorPosition.inside(-3, 9, 5, 5)).isEqualTo(new CursorPosition(0, 4, 5, 5));
    }

    @Test
    void theWindowSizeFlagIsBitOneOfConfigFlags() {
        CodecConfig config = new CodecConfig(Codec.H264, "libx264", 640, 360, 8, "avc1.42C01E", new byte[0]);
        ViewerMessage.Config both = (ViewerMessage.Config) ViewerMessages.decode(ViewerMessages.encodeConfig(config,
                ViewerMessages.CONFIG_FLAG_INPUT | ViewerMessages.CONFIG_FLAG_WINDOW_SIZE));
        assertThat(both.flags()).isEqualTo(3);
        assertThat(both.windowSizeAllowed()).isTrue();
        assertThat(both.inputAllowed()).isTrue();
        ViewerMessage.Config inputOnly = (ViewerMessage.Config) ViewerMessages.decode(
                ViewerMessages.encodeConfig(config, ViewerMessages.CONFIG_FLAG_INPUT));
        assertThat(inputOnly.windowSizeAllowed()).isFalse();
        assertThat(((ViewerMessage.Config) ViewerMessages.decode(ViewerMessages.encodeConfig(config)))
                .windowSizeAllowed()).isFalse();
    }

    private static int[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        int[] out = new int[d.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get() & 0xff;
        }
        return out;
    }
}
