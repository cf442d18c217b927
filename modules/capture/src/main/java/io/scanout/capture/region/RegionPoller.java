package io.scanout.capture.region;

import io.scanout.capture.internal.FrameEmitter;
import io.scanout.capture.internal.OncePerCause;
import io.scanout.capture.internal.PollingThread;
import io.scanout.capture.internal.PooledCopy;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.StreamMeters;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

/**
 * One subscription to a region: a thread, {@code scanout-region-N}, that maps the region (a file
 * or a VFIO device region, {@link SharedRegion}), asks the
 * producer for a frame at each tick of the frame rate, waits for the answer, validates it, copies
 * the framebuffer into a pooled frame and emits it. It unmaps the region and closes its fds when it
 * ends (cancel, error or the sink's completion), on its own thread, so the mapping is never
 * removed under a read.
 *
 * <p>The frame is copied (one {@code memcpy} of {@code stride × height} bytes) rather than lent
 * out from the mapping: the producer renders into the same bytes as soon as it is asked again,
 * and lending would stall capture for as long as any stage downstream holds the frame (an
 * encoder keeps several). The copy also means a producer that breaks the protocol, writing
 * while the consumer reads, can tear one picture but never change a frame already emitted.
 *
 * <p>No demand at a tick: no request is written and nothing is copied, and the tick counts as
 * dropped ({@link DropReason#BACKPRESSURE}); the next frame asked for is the newest.
 *
 * <p>Bad metadata (see {@link RegionMetadata#validate}) drops that one frame: nothing is emitted,
 * the cause is logged once per kind, {@link DropReason#ERROR} is counted, and the next tick asks
 * again, so a producer that fixes its metadata recovers. A producer that does not answer one
 * request within the timeout ends the flux with a {@link RegionException}: the state of the
 * region is then unknown (a crashed producer, or one that re-created the file, which leaves this
 * mapping on the old inode), and a restart — a pipeline's retry — re-opens the path, where
 * polling on would wait forever on a file nobody writes.
 */
final class RegionPoller extends PollingThread {
    private static final Logger log = LoggerFactory.getLogger(RegionPoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * How often the state is read while an answer is awaited: short against a frame period, so
     * capture latency stays well under a millisecond, and long enough not to spin a core.
     */
    private static final long ANSWER_POLL_NANOS = 100_000;

    private final RegionSettings settings;
    private final Supplier<SharedRegion> opener;
    private final FramePool pool;

    // Confined to the polling thread.
    private SharedRegion region;
    private ByteBuffer buffer;
    private int metadataAt;
    private long framebufferBytes;
    private final FrameEmitter emitter;
    private final OncePerCause<RegionFault> drops;
    private long badAnswers;
    private boolean recoveryLogged;

    private RegionPoller(RegionSettings settings, Supplier<SharedRegion> opener, FramePool pool, StreamMeters meters,
                         FluxSink<FrameEvent> sink) {
        super(sink, meters, "scanout-region-" + THREADS.incrementAndGet());
        this.settings = settings;
        this.opener = opener;
        this.pool = pool;
        this.emitter = new FrameEmitter(sink, meters, log, "region {}: the producer changed from {} to {}");
        this.drops = new OncePerCause<>(RegionFault.class, log, meters, "the source keeps asking");
    }

    /** Starts polling for a new subscriber; the sink's cancel, complete or error stops it. */
    static void start(RegionSettings settings, Supplier<SharedRegion> opener, FramePool pool, StreamMeters meters,
                      FluxSink<FrameEvent> sink) {
        new RegionPoller(settings, opener, pool, meters, sink).startPolling();
    }

    @Override
    public void run() {
        try {
            if (stopped()) {
                return;
            }
            region = opener.get();
            buffer = region.buffer();
            metadataAt = RegionProtocol.metadataAt(region.size());
            framebufferBytes = region.size() - RegionProtocol.METADATA_BYTES;
            log.debug("region {}: mapped {} B, asking {} times a second", name(), region.size(), settings.fps());
            tickEvery(settings.periodNanos());
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(e);
        } catch (InternalError e) {
            // HotSpot's answer to SIGBUS in an Unsafe access: the file shrank between the size check and a read.
            fail(new RegionException("region " + name() + " was truncated while it was read", e));
        } finally {
            if (region != null) {
                region.close();
                log.debug("region {}: unmapped and closed", name());
            }
        }
    }

    /** The region's name for messages, also before it is mapped. */
    private String name() {
        return settings.name();
    }

    private void fail(Throwable e) {
        fail(e, log, "region " + name());
    }

    /** A region that changed size is checked for at every tick, wanted or not. */
    @Override
    protected void everyTick(long now) {
        checkSize();
    }

    /** Asks the producer for a frame and takes its answer; returns early when cancelled meanwhile. */
    @Override
    protected void capture(long now) {
        long asked = System.nanoTime();
        RegionProtocol.stateRelease(buffer, metadataAt, RegionProtocol.STATE_REQUEST_UPDATE);
        if (awaitAnswer(asked)) {
            take(System.nanoTime());
        }
    }

    private void checkSize() {
        long now = region.sizeNow();
        if (now != region.size()) {
            throw new RegionException("region " + name() + " changed size from " + region.size() + " B to "
                    + now + " B while mapped; it is mapped afresh when the source restarts");
        }
    }

    /** Waits for {@code UPDATE_COMPLETE}; false when cancelled meanwhile. */
    private boolean awaitAnswer(long asked) {
        int state;
        while ((state = RegionProtocol.stateAcquire(buffer, metadataAt)) != RegionProtocol.STATE_UPDATE_COMPLETE) {
            if (stopped()) {
                return false;
            }
            if (System.nanoTime() - asked > settings.timeoutNanos()) {
                throw new RegionException("region " + name() + ": the producer did not answer a frame request"
                        + " within " + settings.timeoutMillis() + " ms (state is " + Integer.toUnsignedString(state)
                        + ", 2 means answered)");
            }
            LockSupport.parkNanos(this, ANSWER_POLL_NANOS);
        }
        return true;
    }

    /** Reads the answered frame: validates, copies, emits — or drops it with the cause. */
    private void take(long answeredNanos) {
        RegionMetadata metadata = RegionMetadata.read(buffer, metadataAt);
        PlaneLayout inRegion;
        try {
            inRegion = metadata.validate(framebufferBytes);
        } catch (RegionMetadataException e) {
            dropBad(emitter.skip(), e);
            return;
        }
        if (badAnswers > 0) {
            if (recoveryLogged) {
                log.debug("region {}: valid metadata again after {} bad frame(s)", name(), badAnswers);
            } else {
                log.info("region {}: valid metadata again after {} bad frame(s)", name(), badAnswers);
                recoveryLogged = true;
            }
            badAnswers = 0;
        }
        int stride = inRegion.stride(0);
        int bytes = Math.toIntExact((long) stride * inRegion.height());
        Frame frame = PooledCopy.copy(pool, PlaneLayout.of(inRegion.format(), inRegion.width(), inRegion.height(),
                new long[] {0}, new int[] {stride}), buffer, Math.toIntExact(inRegion.offset(0)), bytes);
        emitter.emit(name(), frame, answeredNanos);
    }

    private void dropBad(long seq, RegionMetadataException e) {
        badAnswers++;
        drops.drop(e.fault(), "region {}: frame {} dropped, bad metadata: {}", name(), seq, e.getMessage());
    }
}
