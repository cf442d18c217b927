package io.scanout.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.CodecConfig;
import io.scanout.core.DrmFormat;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.internal.FfmpegEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EncodeSessionTest {
    private final FramePool pool = new FramePool();
    private final List<CodecConfig> configs = new ArrayList<>();
    private final AtomicLong keyframeRequests = new AtomicLong();
    private final EncodeSession session = x264Session(configs::add);

    private EncodeSession x264Session(Consumer<CodecConfig> configListener) {
        EncoderSettings settings = EncoderSettings.defaults().withEncoder(EncoderChoice.X264);
        EncoderLineup lineup = EncoderLineup.resolve(settings, new EncoderMeters(StreamMeters.noop()));
        return new EncodeSession(lineup, () -> settings, StreamMeters.noop(), keyframeRequests, configListener,
                name -> { });
    }

    @AfterEach
    void closeAndCount() {
        session.close();
        assertThat(FfmpegEncoder.framesHeldByFfmpeg()).isZero();
        assertThat(pool.stats().outstanding()).isZero();
        pool.close();
    }

    private FrameEvent frame(int index) {
        return TestStreams.event(pool, DrmFormat.NV12, 160, 120, index, index == 0);
    }

    @Test
    void refusesToBeUsedFromASecondThreadAndStillReleasesTheFrame() {
        assertThat(session.encode(frame(0))).hasSize(1);
        FrameEvent second = frame(1);

        CompletableFuture<List<EncodedPacket>> elsewhere = CompletableFuture.supplyAsync(() -> session.encode(second));

        assertThatThrownBy(elsewhere::join).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to thread " + Thread.currentThread().getName());
        assertThat(second.frame().isReleased()).isTrue();
    }

    @Test
    void timestampsKeepIncreasingWhenCaptureTimesCollide() {
        FrameEvent a = frame(0);
        FrameEvent b = new FrameEvent(pool.acquire(a.videoFormat()), a.damage(), 1, a.captureNanos(),
                java.util.Optional.empty());

        long first = session.encode(a).get(0).ptsMicros();
        long second = session.encode(b).get(0).ptsMicros();

        assertThat(second).isEqualTo(first + 1);
        assertThat(configs).hasSize(1);
    }

    @Test
    void keyframeRequestsMadeBeforeTheFirstFrameAreServedByIt() {
        keyframeRequests.incrementAndGet();
        EncodeSession fresh = x264Session(c -> { });
        try {
            assertThat(fresh.encode(frame(0)).get(0).keyframe()).isTrue();
            assertThat(fresh.encode(frame(1)).get(0).keyframe()).as("the old request is not served twice").isFalse();
            keyframeRequests.incrementAndGet();
            keyframeRequests.incrementAndGet();
            assertThat(fresh.encode(frame(2)).get(0).keyframe()).isTrue();
            assertThat(fresh.encode(frame(3)).get(0).keyframe()).as("two requests coalesce into one keyframe").isFalse();
            assertThat(fresh.finish()).isEmpty();
        } finally {
            fresh.close();
        }
    }
}
