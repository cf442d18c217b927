package io.scanout.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.input.CursorImage;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** POINTER, KEY and CURSOR, and CONFIG's flags: byte layouts, round trips and validation. */
class InputMessagesTest {
    private static final CodecConfig CONFIG = new CodecConfig(Codec.H264, "libx264", 640, 360, 8, "avc1.42C01E",
            new byte[] {0, 0, 0, 1, 0x67});

    @Test
    void pointerIsSevenBytesBigEndian() {
        ByteBuffer m = ViewerMessages.encodePointer(0x1234, 65535, 0x15);
        assertThat(bytes(m)).containsExactly(5, 1, 0x12, 0x34, 0xff, 0xff, 0x15);
        assertThat(ViewerMessages.decode(m)).isEqualTo(new ViewerMessage.Pointer(0x1234, 65535, 0x15));
    }

    @Test
    void keyIsSevenBytesBigEndian() {
        ByteBuffer m = ViewerMessages.encodeKey(0xff0d, true);
        assertThat(bytes(m)).containsExactly(6, 1, 1, 0, 0, 0xff, 0x0d);
        assertThat(ViewerMessages.decode(m)).isEqualTo(new ViewerMessage.Key(0xff0d, true));
        assertThat(ViewerMessages.decode(ViewerMessages.encodeKey(0x010020ac, false)))
                .isEqualTo(new ViewerMessage.Key(0x010020ac, false));
    }

    @Test
    void encodersRefuseWhatTheWireCannotCarry() {
        assertThatThrownBy(() -> ViewerMessages.encodePointer(65536, 0, 0)).hasMessageContaining("65536");
        assertThatThrownBy(() -> ViewerMessages.encodePointer(0, -1, 0)).hasMessageContaining("-1");
        assertThatThrownBy(() -> ViewerMessages.encodePointer(0, 0, 256)).hasMessageContaining("256");
        assertThatThrownBy(() -> ViewerMessages.encodeKey(0, true)).hasMessageContaining("keysym 0x0");
        assertThatThrownBy(() -> ViewerMessages.encodeConfig(CONFIG, 256)).hasMessageContaining("256");
    }

    @Test
    void badKeyFieldsAreClearErrors() {
        byte[] key = {6, 1, 2, 0, 0, 0, 0x61};
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(key)))
                .isInstanceOf(ViewerProtocolException.class).hasMessage("KEY down is 2, not 0 (up) or 1 (down)");
        byte[] zero = {6, 1, 1, 0, 0, 0, 0};
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(zero)))
                .isInstanceOf(ViewerProtocolException.class).hasMessageContaining("keysym 0x0 is not an X11 keysym");
        byte[] high = {6, 1, 1, 0x20, 0, 0, 0};
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(high)))
                .isInstanceOf(ViewerProtocolException.class)
                .hasMessageContaining("keysym 0x20000000 is not an X11 keysym");
    }

    @Test
    void everyTruncationOfInputAndCursorIsAClearError() {
        CursorImage arrow = new CursorImage(1, 2, 3, 4, new int[12]);
        for (ByteBuffer message : new ByteBuffer[] {ViewerMessages.encodePointer(1, 2, 3),
                ViewerMessages.encodeKey(0x61, true), ViewerMessages.encodeCursor(arrow)}) {
            for (int n = 0; n < message.remaining(); n++) {
                ByteBuffer cut = message.duplicate().limit(n);
                assertThatThrownBy(() -> ViewerMessages.decode(cut)).as("type %d cut to %d", message.get(0), n)
                        .isInstanceOf(ViewerProtocolException.class)
                        .hasMessageContaining("truncated").hasMessageContaining("the message has " + n);
            }
        }
    }

    @Test
    void configFlagsRoundTripAndAreNoneWhenAbsent() {
        ViewerMessage.Config allowed = (ViewerMessage.Config) ViewerMessages.decode(
                ViewerMessages.encodeConfig(CONFIG, ViewerMessages.CONFIG_FLAG_INPUT));
        assertThat(allowed.inputAllowed()).isTrue();
        assertThat(allowed.config()).isEqualTo(CONFIG);
        ByteBuffer withFlags = ViewerMessages.encodeConfig(CONFIG, 0);
        ByteBuffer without = ViewerMessages.encodeConfig(CONFIG);
        assertThat(withFlags.remaining()).isEqualTo(without.remaining() + 1);
        assertThat(ViewerMessages.decode(withFlags)).isEqualTo(new ViewerMessage.Config(CONFIG));
        assertThat(((ViewerMessage.Config) ViewerMessages.decode(without)).inputAllowed()).isFalse();
    }

    @Test
    void cursorPixelsGoAsRgbaAndComeBackAsArgb() {
        int[] argb = {0xff112233, 0x00445566, 0xff778899, 0xffaabbcc, 0x00000000, 0xffffffff};
        CursorImage image = new CursorImage(2, 1, 3, 2, argb);
        ByteBuffer m = ViewerMessages.encodeCursor(image);
        assertThat(m.remaining()).isEqualTo(ViewerMessages.CURSOR_HEADER_BYTES + 6 * 4);
        assertThat(bytes(m.duplicate().limit(14))).containsExactly(7, 1, 0, 2, 0, 1, 0, 3, 0, 2, 0x11, 0x22, 0x33, 0xff);
        CursorImage back = ((ViewerMessage.Cursor) ViewerMessages.decode(m)).image();
        assertThat(back.argb()).containsExactly(argb);
        assertThat(back.hotspotX()).isEqualTo(2);
        assertThat(back.hotspotY()).isEqualTo(1);
    }

    @Test
    void aHiddenCursorIsZeroByZero() {
        ByteBuffer m = ViewerMessages.encodeCursor(new CursorImage(5, 5, 0, 0, new int[0]));
        assertThat(bytes(m)).containsExactly(7, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(((ViewerMessage.Cursor) ViewerMessages.decode(m)).image().isHidden()).isTrue();
    }

    @Test
    void aHugeCursorIsCroppedAndItsHotspotKeptInside() {
        int side = ViewerMessages.MAX_CURSOR_SIDE + 44;
        int[] argb = new int[side * side];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = 0xff000000 | i;
        }
        ByteBuffer m = ViewerMessages.encodeCursor(new CursorImage(290, 3, side, side, argb));
        CursorImage back = ((ViewerMessage.Cursor) ViewerMessages.decode(m)).image();
        assertThat(back.width()).isEqualTo(ViewerMessages.MAX_CURSOR_SIDE);
        assertThat(back.height()).isEqualTo(ViewerMessages.MAX_CURSOR_SIDE);
        assertThat(back.hotspotX()).isEqualTo(ViewerMessages.MAX_CURSOR_SIDE - 1);
        assertThat(back.hotspotY()).isEqualTo(3);
        assertThat(back.pixel(10, 20)).isEqualTo(0xff000000 | (20 * side + 10));
    }

    @Test
    void cursorsOutOfBoundsAreRejectedBeforeAnyAllocation() {
        byte[] big = {7, 1, 0, 0, 0, 0, 0x01, 0x01, 0x01, 0x01}; // 257x257, no pixels
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(big)))
                .isInstanceOf(ViewerProtocolException.class).hasMessageContaining("CURSOR of 257x257");
        byte[] flat = {7, 1, 0, 0, 0, 0, 0, 4, 0, 0};
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(flat)))
                .isInstanceOf(ViewerProtocolException.class).hasMessageContaining("CURSOR of 4x0");
        byte[] hotspot = new byte[10 + 4];
        ByteBuffer.wrap(hotspot).put(new byte[] {7, 1, 0, 1, 0, 0, 0, 1, 0, 1});
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(hotspot)))
                .isInstanceOf(ViewerProtocolException.class).hasMessageContaining("hotspot 1,0 is outside its 1x1");
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
