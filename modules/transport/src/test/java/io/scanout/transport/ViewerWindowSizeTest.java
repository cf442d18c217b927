package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A viewer's window sizes reach the source debounced, newest wins, never twice the same, never after it left. */
class ViewerWindowSizeTest {
    private final List<String> sent = new ArrayList<>();
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final ViewerWindowSize sizes = new ViewerWindowSize((w, h) -> sent.add(w + "x" + h), time, "main");

    @Test
    void aBurstSendsItsLastSizeOnceTheViewerIsQuiet() {
        sizes.resized(1000, 700);
        time.advanceTimeBy(ViewerWindowSize.QUIET.dividedBy(2));
        sizes.resized(900, 650);
        time.advanceTimeBy(ViewerWindowSize.QUIET.dividedBy(2));
        sizes.resized(800, 600);
        time.advanceTimeBy(ViewerWindowSize.QUIET.minusMillis(1));
        assertThat(sent).as("still resizing").isEmpty();
        time.advanceTimeBy(ViewerWindowSize.QUIET);
        assertThat(sent).containsExactly("800x600");

        sizes.resized(800, 600);
        time.advanceTimeBy(ViewerWindowSize.QUIET.multipliedBy(2));
        assertThat(sent).as("the same size again is not sent again").containsExactly("800x600");
        sizes.resized(1920, 1080);
        time.advanceTimeBy(ViewerWindowSize.QUIET);
        assertThat(sent).containsExactly("800x600", "1920x1080");
    }

    @Test
    void aSizeNotYetSentWhenTheViewerLeavesIsDropped() {
        sizes.resized(800, 600);
        sizes.close();
        time.advanceTimeBy(ViewerWindowSize.QUIET.multipliedBy(2));
        sizes.resized(640, 480);
        time.advanceTimeBy(ViewerWindowSize.QUIET.multipliedBy(2));
        assertThat(sent).isEmpty();
    }
}
