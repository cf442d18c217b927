package io.scanout.convert;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.SynchronousSink;

/**
 * One subscription to {@link NormalizeFormat}: its converter and what it has already logged.
 * {@link #onEvent} runs on the delivering thread, one event at a time; {@link #close()} from
 * whichever thread ends the subscription.
 */
final class NormalizeSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NormalizeFormat.class);
    /** Distinct causes logged at WARN; past this, a source cycling through broken sizes logs at DEBUG. */
    private static final int MAX_LOGGED_CAUSES = 32;

    private final FrameConverter converter;
    private final StreamMeters meters;
    private final Set<String> loggedCauses = new HashSet<>();

    /** Dma-buf formats the encoder imports itself: handed on without touching the CPU. */
    private final Set<DrmFormat> dmaBufsPassed;

    NormalizeSession(FrameConverter converter, StreamMeters meters, Set<DrmFormat> dmaBufsPassed) {
        this.converter = converter;
        this.meters = meters;
        this.dmaBufsPassed = dmaBufsPassed;
    }

    void onEvent(FrameEvent event, SynchronousSink<FrameEvent> sink) {
        long start = System.nanoTime();
        VideoFormat format = event.videoFormat();
        if (converter.passesThrough(format)
                || event.frame().isDmaBuf() && dmaBufsPassed.contains(format.format())) {
            meters.stageTook(Stage.CONVERT, System.nanoTime() - start);
            meters.frameConverted();
            sink.next(event);
            return;
        }
        Frame converted;
        Damage damage;
        try {
            damage = converter.outputDamage(event.damage(), format);
            converted = converter.convert(event.frame());
        } catch (ConvertException e) {
            dropped(e);
            return;
        } catch (IllegalStateException e) {
            if (converter.isClosed()) {
                // Cancelled meanwhile from another thread: nobody wants this frame any more.
                log.debug("frame {} arrived after the stage was cancelled", event.sequence());
                return;
            }
            throw e;
        } finally {
            event.release();
        }
        if (converter.isClosed()) {
            // Cancelled from another thread during the conversion: nobody downstream wants it.
            converted.release();
            return;
        }
        meters.stageTook(Stage.CONVERT, System.nanoTime() - start);
        meters.frameConverted();
        sink.next(event.withFrame(converted).withDamage(damage));
    }

    private void dropped(ConvertException e) {
        meters.frameDropped(DropReason.ERROR);
        // Shown in /streams and `scanout status`: a crop outside the picture or a frame whose layout
        // contradicts its format would otherwise leave a stream that is up but shows nothing.
        meters.source().error("frames cannot be converted: " + e.getMessage());
        if (loggedCauses.size() < MAX_LOGGED_CAUSES && loggedCauses.add(e.getMessage())) {
            log.warn("dropping frames: {} (logged once per cause; counted in scanout.frames.dropped, reason error)",
                    e.getMessage());
        } else {
            log.debug("dropping a frame: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        converter.close();
    }
}
