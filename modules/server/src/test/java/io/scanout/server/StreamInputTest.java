package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.input.InputSink;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Viewers' pointer positions, in pixels of the scaled video, mapped to the captured display's. */
class StreamInputTest {
    private final List<String> sent = new ArrayList<>();
    private int capturedWidth;
    private int capturedHeight;
    private int videoWidth;
    private int videoHeight;
    private final StreamInput input = new StreamInput(new InputSink() {
        @Override
        public boolean pointer(int x, int y, int buttons) {
            return sent.add(x + "," + y + " " + buttons);
        }

        @Override
        public boolean key(int keysym, boolean down) {
            return sent.add(Integer.toHexString(keysym) + (down ? " down" : " up"));
        }
    }, () -> capturedWidth, () -> capturedHeight, () -> videoWidth, () -> videoHeight);

    @Test
    void aHalfSizeVideoPointsAtTheCentreOfTwiceTheCoordinates() {
        capturedWidth = 1280;
        capturedHeight = 800;
        videoWidth = 640;
        videoHeight = 400;
        input.pointer(100, 399, 1);
        input.pointer(0, 0, 0);
        input.key(0x61, true);
        assertThat(sent).containsExactly("201,799 1", "1,1 0", "61 down");
    }

    @Test
    void positionsStayInsideTheDisplay() {
        capturedWidth = 1024;
        capturedHeight = 768;
        videoWidth = 1024;
        videoHeight = 768;
        input.pointer(5000, 768, 0);
        assertThat(sent).containsExactly("1023,767 0");
    }

    @Test
    void untilTheSizesAreKnownPositionsPassAsTheyAre() {
        input.pointer(300, 200, 4);
        capturedWidth = 100;
        capturedHeight = 100;
        input.pointer(300, 50, 0); // the display is known, the video not yet: clamped only
        assertThat(sent).containsExactly("300,200 4", "99,50 0");
    }

    @Test
    void aPixelsCentreLandsOnThePixelUnderIt() {
        assertThat(StreamInput.scale(0, 3, 4)).isEqualTo(0); // centre 0.67
        assertThat(StreamInput.scale(1, 3, 4)).isEqualTo(2); // centre 2.0
        assertThat(StreamInput.scale(2, 3, 4)).isEqualTo(3); // centre 3.33
        assertThat(StreamInput.scale(3, 4, 3)).isEqualTo(2); // centre 2.63
        assertThat(StreamInput.scale(7, 0, 10)).isEqualTo(7);
        assertThat(StreamInput.scale(7, 10, 0)).isEqualTo(7);
    }
}
