package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

/** The picture tap: latest wins per subscriber, damage folded over what it skipped, no frame leaked. */
class PictureTapTest {
    private final FramePool pool = new FramePool();
    private final PictureTap tap = new PictureTap();
    private long sequence;

    @AfterEach
    void close() {
        tap.close();
        assertThat(pool.stats().outstanding()).as("frames still held: %s", pool.stats()).isZero();
        pool.close();
    }

    /** Offers one picture the way the pipeline does: the tap retains, the caller releases its own. */
    private void offer(Damage damage) {
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, 64, 48));
        FrameEvent event = new FrameEvent(frame, damage, sequence++, System.nanoTime(), Optional.empty());
        tap.offer(event);
        event.release();
    }

    @Test
    void aSlowSubscriberGetsTheNewestPictureWithEverythingItMissed() {
        List<FrameEvent> got = new ArrayList<>();
        BaseSubscriber<FrameEvent> slow = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                // asks later
            }

            @Override
            protected void hookOnNext(FrameEvent event) {
                got.add(event);
            }
        };
        tap.pictures().subscribe(slow);
        offer(Damage.of(new Rect(0, 0, 4, 4)));
        offer(Damage.of(new Rect(10, 10, 4, 4)));
        slow.request(1);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).sequence()).isEqualTo(1);
        assertThat(got.get(0).damage().isWhole()).as("a first picture is whole").isTrue();
        offer(Damage.of(new Rect(1, 1, 2, 2)));
        offer(Damage.of(new Rect(20, 20, 2, 2)));
        slow.request(1);
        assertThat(got).hasSize(2);
        assertThat(got.get(1).sequence()).isEqualTo(3);
        assertThat(got.get(1).damage().rectangles()).containsExactly(new Rect(1, 1, 2, 2), new Rect(20, 20, 2, 2));
        got.forEach(FrameEvent::release);
        slow.dispose();
    }

    @Test
    void cancellingReleasesTheWaitingPicture() {
        BaseSubscriber<FrameEvent> idle = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
            }
        };
        tap.pictures().subscribe(idle);
        offer(Damage.whole());
        assertThat(pool.stats().outstanding()).isEqualTo(1);
        idle.dispose();
        assertThat(pool.stats().outstanding()).isZero();
        assertThat(tap.subscribers()).isZero();
    }

    @Test
    void closingCompletesSubscribersAndReleases() {
        StepVerifier.create(tap.pictures(), 0)
                .then(() -> offer(Damage.whole()))
                .then(tap::close)
                .verifyComplete();
    }

    @Test
    void withoutSubscribersNothingIsRetained() {
        offer(Damage.whole());
        assertThat(pool.stats().outstanding()).isZero();
    }
}
