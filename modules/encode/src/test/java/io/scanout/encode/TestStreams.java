package io.scanout.encode;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.encode.testing.ColourBlocks;
import io.scanout.encode.testing.RgbImage;
import io.scanout.encode.testing.YuvFrames;
import java.util.Optional;
import reactor.core.publisher.Flux;

/** Frame events for the stage tests: {@link ColourBlocks} shifted by one block per frame, 30 fps capture times. */
final class TestStreams {
    static final long FRAME_NANOS = 33_333_333L;
    static final long START_NANOS = 1_000_000_000_000L;

    private TestStreams() {
    }

    /** Frame {@code index} of a stream; its capture time is {@code index} frames after the start. */
    static FrameEvent event(FramePool pool, DrmFormat format, int width, int height, int index, boolean formatChange) {
        Frame frame = YuvFrames.draw(pool, format, new ColourBlocks(width, height, index));
        return new FrameEvent(frame, Damage.whole(), index, START_NANOS + index * FRAME_NANOS,
                formatChange ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    /** Frame {@code index} of a stream showing {@code image}. */
    static FrameEvent event(FramePool pool, DrmFormat format, RgbImage image, int index) {
        Frame frame = YuvFrames.draw(pool, format, image);
        return new FrameEvent(frame, Damage.whole(), index, START_NANOS + index * FRAME_NANOS,
                index == 0 ? Optional.of(frame.videoFormat()) : Optional.empty());
    }

    /** {@code count} frames, drawn only when requested, so a cancelled stream leaves none undrawn behind. */
    static Flux<FrameEvent> frames(FramePool pool, DrmFormat format, int width, int height, int count) {
        return Flux.range(0, count).map(i -> event(pool, format, width, height, i, i == 0));
    }

    /** The picture frame {@code index} of {@link #frames} shows. */
    static ColourBlocks picture(int width, int height, int index) {
        return new ColourBlocks(width, height, index);
    }
}
