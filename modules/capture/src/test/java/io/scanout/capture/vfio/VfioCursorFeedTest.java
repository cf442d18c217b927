package io.scanout.capture.vfio;

import static io.scanout.capture.vfio.VfioTesting.await;
import static io.scanout.capture.vfio.VfioTesting.awaitPollersGone;
import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.CursorPosition;
import io.scanout.core.metrics.StreamMeters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * The cursor plane as viewers take it from any source: {@link VfioSource#cursorImages()} (ARGB
 * with hotspot) and {@link VfioSource#cursorPositions()} (the hotspot on the display).
 */
class VfioCursorFeedTest {

    /** The ARGB value of pixel {@code i} of an emulated cursor: its bytes in memory are B, G, R, A = seed + 4i .. + 3. */
    private static int argb(int seed, int i) {
        int b = (seed + 4 * i) & 0xff;
        int g = (seed + 4 * i + 1) & 0xff;
        int r = (seed + 4 * i + 2) & 0xff;
        int a = (seed + 4 * i + 3) & 0xff;
        return a << 24 | r << 16 | g << 8 | b;
    }

    @Test
    void imagesComeOnShapeChangesAndPositionsOnMovesWithTheDisplaySize() {
        EmulatedVfioDisplay display = new EmulatedVfioDisplay(320, 180);
        List<CursorImage> images = new CopyOnWriteArrayList<>();
        List<CursorPosition> positions = new CopyOnWriteArrayList<>();
        try (FramePool pool = new FramePool()) {
            VfioSource source = display.source(240, pool, StreamMeters.noop());
            Disposable watchImages = source.cursorImages().subscribe(images::add);
            Disposable watchPositions = source.cursorPositions().subscribe(positions::add);
            Disposable frames = source.frames().subscribe(FrameEvent::release);
            try {
                await(() -> images.size() == 1, () -> "the hidden cursor first: " + images);
                assertThat(images.get(0).isHidden()).isTrue();
                assertThat(positions).as("no position while hidden").isEmpty();

                display.showCursor(32, 24, 3, 4, 7);
                display.moveCursor(100, 50);
                await(() -> !positions.isEmpty() && positions.get(positions.size() - 1).x() == 103,
                        () -> "shown at 100,50 + hotspot 3,4: " + positions);
                CursorImage shown = images.get(images.size() - 1);
                assertThat(shown.width()).isEqualTo(32);
                assertThat(shown.height()).isEqualTo(24);
                assertThat(shown.hotspotX()).isEqualTo(3);
                assertThat(shown.hotspotY()).isEqualTo(4);
                for (int i : new int[] {0, 1, 100, 32 * 24 - 1}) {
                    assertThat(shown.pixel(i % 32, i / 32)).as("pixel %d", i).isEqualTo(argb(7, i));
                }
                assertThat(positions.get(positions.size() - 1)).isEqualTo(new CursorPosition(103, 54, 320, 180));

                int imagesBefore = images.size();
                display.moveCursor(200, 178);   // the hotspot lands past the bottom edge: kept on the display
                await(() -> positions.get(positions.size() - 1).x() == 203, () -> "moved: " + positions);
                assertThat(positions.get(positions.size() - 1)).isEqualTo(new CursorPosition(203, 179, 320, 180));
                assertThat(images).as("a move sends no image").hasSize(imagesBefore);

                // A late viewer gets the current image and position at once.
                assertThat(source.cursorImages().blockFirst(Duration.ofSeconds(5))).isSameAs(shown);
                assertThat(source.cursorPositions().blockFirst(Duration.ofSeconds(5)))
                        .isEqualTo(new CursorPosition(203, 179, 320, 180));

                int positionsBefore = positions.size();
                display.hideCursor();
                await(() -> images.get(images.size() - 1).isHidden(), () -> "hidden: " + images);
                display.moveCursor(10, 10);
                display.showCursor(16, 16, 1, 1, 99);
                await(() -> images.get(images.size() - 1).width() == 16, () -> "a new image: " + images);
                await(() -> positions.size() > positionsBefore, () -> "shown again: " + positions);
                assertThat(positions.get(positions.size() - 1)).isEqualTo(new CursorPosition(11, 11, 320, 180));
                assertThat(images.get(images.size() - 1).pixel(0, 0)).isEqualTo(argb(99, 0));
            } finally {
                frames.dispose();
                watchImages.dispose();
                watchPositions.dispose();
                awaitPollersGone();
            }
        }
    }
}
