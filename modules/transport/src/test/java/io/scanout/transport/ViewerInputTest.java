package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.input.InputSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One viewer's input on a recording sink (it stands for a VNC connection, which the browser test
 * drives for real): the rate limit, releases that always pass, and letting go on leaving.
 */
class ViewerInputTest {
    private final AtomicLong now = new AtomicLong();
    private final List<String> sent = new ArrayList<>();
    private boolean accepting = true;
    private final InputSink sink = new InputSink() {
        @Override
        public boolean pointer(int x, int y, int buttons) {
            sent.add("pointer " + x + "," + y + " " + buttons);
            return accepting;
        }

        @Override
        public boolean key(int keysym, boolean down) {
            sent.add("key " + Integer.toHexString(keysym) + (down ? " down" : " up"));
            return accepting;
        }
    };
    private final ViewerInput input = new ViewerInput(sink, new InputRateLimit(10, 3, now::get));

    @Test
    void eventsPastTheRateAreDropped() {
        for (int i = 0; i < 5; i++) {
            assertThat(input.pointer(i, i, 0)).isEqualTo(i < 3 ? ViewerInput.Outcome.SENT
                    : ViewerInput.Outcome.RATE_LIMITED);
        }
        assertThat(input.key(0x61, true)).isEqualTo(ViewerInput.Outcome.RATE_LIMITED);
        now.addAndGet(100_000_000); // one token at 10/s
        assertThat(input.key(0x61, true)).isEqualTo(ViewerInput.Outcome.SENT);
        assertThat(sent).containsExactly("pointer 0,0 0", "pointer 1,1 0", "pointer 2,2 0", "key 61 down");
    }

    @Test
    void releasesOfWhatIsHeldPassOverTheLimitAndNothingElseDoes() {
        assertThat(input.key(0xffe3, true)).isEqualTo(ViewerInput.Outcome.SENT);
        assertThat(input.pointer(5, 6, InputSink.BUTTON_LEFT | InputSink.BUTTON_RIGHT)).isEqualTo(ViewerInput.Outcome.SENT);
        assertThat(input.pointer(5, 6, InputSink.BUTTON_LEFT | InputSink.BUTTON_RIGHT)).isEqualTo(ViewerInput.Outcome.SENT);
        // The bucket is empty now.
        assertThat(input.key(0x62, false)).as("not held").isEqualTo(ViewerInput.Outcome.RATE_LIMITED);
        assertThat(input.pointer(7, 7, InputSink.BUTTON_LEFT | InputSink.BUTTON_RIGHT))
                .as("a move").isEqualTo(ViewerInput.Outcome.RATE_LIMITED);
        assertThat(input.pointer(7, 7, InputSink.BUTTON_LEFT | InputSink.BUTTON_MIDDLE))
                .as("a press hidden in a release").isEqualTo(ViewerInput.Outcome.RATE_LIMITED);
        assertThat(input.pointer(8, 8, InputSink.BUTTON_LEFT)).isEqualTo(ViewerInput.Outcome.SENT);
        assertThat(input.key(0xffe3, false)).isEqualTo(ViewerInput.Outcome.SENT);
        assertThat(input.key(0xffe3, false)).as("no longer held").isEqualTo(ViewerInput.Outcome.RATE_LIMITED);
        assertThat(sent).endsWith("pointer 8,8 1", "key ffe3 up");
    }

    @Test
    void leavingLetsGoOfKeysAndButtons() {
        input.key(0xffe1, true);
        input.pointer(40, 30, InputSink.BUTTON_LEFT);
        input.key(0x41, true);
        sent.clear();
        input.releaseAll();
        assertThat(sent).containsExactlyInAnyOrder("key ffe1 up", "key 41 up", "pointer 40,30 0");
        sent.clear();
        input.releaseAll();
        assertThat(sent).as("nothing is held any more").isEmpty();
    }

    @Test
    void whatTheSourceRefusedIsSaidAndNotRemembered() {
        accepting = false;
        assertThat(input.key(0x61, true)).isEqualTo(ViewerInput.Outcome.SOURCE_UNAVAILABLE);
        sent.clear();
        input.releaseAll();
        assertThat(sent).isEmpty();
    }
}
