package io.scanout.capture.region;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer side of the framebuffer-region protocol: emulates a vGPU that answers each
 * request with the current frame of a {@link SyntheticPattern}, so {@code region:PATH} runs end
 * to end on any machine ({@code scanout region-producer PATH --size 1280x720 --fps 60 --format XR24}).
 *
 * <p>{@link #start} creates (or empties) the file, sizes it, maps it and starts a thread,
 * {@code scanout-region-producer-N}, that watches the metadata's {@code state}: on
 * {@code REQUEST_UPDATE} it draws frame {@code (now − start) × fps} — the pattern's counter shows
 * that index — fills the metadata and publishes {@code UPDATE_COMPLETE} with release semantics.
 * The frame rate is the animation's clock, not a schedule: every request is answered as soon as
 * it is seen (within about half a millisecond).
 *
 * <p>The setters may be called from any thread while it runs and take effect at the next
 * answer: {@link #setFormat} changes size or format, {@link #corrupt} breaks the metadata in one
 * {@link RegionCorruption} way until {@link #heal}, {@link #hold} freezes the picture,
 * {@link #setAnswering} stops answering. {@link #close()} stops the thread (waiting for it),
 * unmaps the file and deletes it.
 */
public final class RegionProducer implements AutoCloseable {
    /** Framebuffer bytes {@link #start(Path, VideoFormat, int)} makes room for: 3840×2160 at 4 B per pixel. */
    public static final long DEFAULT_FRAMEBUFFER_BYTES = 3840L * 2160 * 4;
    private static final Logger log = LoggerFactory.getLogger(RegionProducer.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long POLL_NANOS = 500_000;
    private static final long PAGE = 4096;

    private final MappedFile region;
    private final ByteBuffer buffer;
    private final int metadataAt;
    private final long framebufferBytes;
    private final long periodNanos;
    private final Thread thread;
    private final AtomicLong answered = new AtomicLong();
    private volatile Plan plan;
    private volatile long lastAnswerNanos;
    private volatile boolean closed;
    private long startNanos;
    /** The pattern of the current size, on the producer's thread. */
    private SyntheticPattern pattern;

    /** What the next answer looks like; replaced whole, so a setter never tears it. */
    private record Plan(PlaneLayout layout, RegionCorruption corruption, long heldIndex, boolean answering) {
    }

    private RegionProducer(MappedFile region, int fps, PlaneLayout layout) {
        this.region = region;
        this.buffer = region.buffer();
        this.metadataAt = RegionProtocol.metadataAt(region.size());
        this.framebufferBytes = region.size() - RegionProtocol.METADATA_BYTES;
        this.periodNanos = 1_000_000_000L / fps;
        this.plan = new Plan(layout, null, -1, true);
        this.thread = new Thread(this::run, "scanout-region-producer-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
    }

    /**
     * Creates the region at {@code path} with room for a 3840×2160 XR24 frame (or {@code format},
     * if larger) and starts answering.
     *
     * @param format what to draw: an RGB {@link io.scanout.core.DrmFormat}, at least 16×16
     * @param fps    the animation's frame rate, 1..240
     * @throws IllegalArgumentException for a format the pattern cannot draw or a bad frame rate
     * @throws RegionException          when the file cannot be created or mapped
     */
    public static RegionProducer start(Path path, VideoFormat format, int fps) {
        long needed = packed(format).requiredBytes();
        return start(path, format, fps, regionBytesFor(Math.max(needed, DEFAULT_FRAMEBUFFER_BYTES)));
    }

    /**
     * Like {@link #start(Path, VideoFormat, int)} with a region of exactly {@code regionBytes}
     * (a multiple of 4; the framebuffer area is {@code regionBytes − 28}).
     */
    public static RegionProducer start(Path path, VideoFormat format, int fps, long regionBytes) {
        Objects.requireNonNull(path, "path");
        if (fps < RegionSettings.MIN_FPS || fps > RegionSettings.MAX_FPS) {
            throw new IllegalArgumentException("frame rate " + fps + " is outside " + RegionSettings.MIN_FPS + ".."
                    + RegionSettings.MAX_FPS);
        }
        if (regionBytes < RegionProtocol.METADATA_BYTES || regionBytes > MappedFile.MAX_BYTES || regionBytes % 4 != 0) {
            throw new IllegalArgumentException("region size " + regionBytes + " B must be a multiple of 4 in "
                    + RegionProtocol.METADATA_BYTES + ".." + MappedFile.MAX_BYTES);
        }
        PlaneLayout layout = packed(format);
        checkDrawable(layout, regionBytes - RegionProtocol.METADATA_BYTES);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            // Emptied first, so no state or pixels of an earlier run are left behind.
            file.setLength(0);
            file.setLength(regionBytes);
        } catch (IOException e) {
            throw new RegionException("cannot create region " + path + " of " + regionBytes + " B: " + e.getMessage(), e);
        }
        RegionProducer producer = new RegionProducer(MappedFile.open(path), fps, layout);
        producer.startNanos = System.nanoTime();
        producer.thread.start();
        log.info("region producer {}: {} B, drawing {} at {} fps", path, regionBytes, format, fps);
        return producer;
    }

    /** A region size with room for {@code framebufferBytes}, rounded up to a page. */
    public static long regionBytesFor(long framebufferBytes) {
        return (framebufferBytes + RegionProtocol.METADATA_BYTES + PAGE - 1) / PAGE * PAGE;
    }

    private static PlaneLayout packed(VideoFormat format) {
        return PlaneLayout.packed(format.format(), format.width(), format.height());
    }

    private static void checkDrawable(PlaneLayout layout, long framebufferBytes) {
        if (!layout.format().isRgb() || layout.planeCount() != 1) {
            throw new IllegalArgumentException("the region producer draws one-plane RGB formats, not " + layout.format());
        }
        // The pattern checks the size (16x16 and up) itself, with its own message.
        new SyntheticPattern(layout.width(), layout.height());
        if (layout.requiredBytes() > framebufferBytes) {
            throw new IllegalArgumentException(layout + " needs " + layout.requiredBytes() + " B, and the region's"
                    + " framebuffer area holds " + framebufferBytes + " B");
        }
    }

    /** Draws this size and format from the next answer on, rows packed at offset 0. */
    public void setFormat(VideoFormat format) {
        setLayout(packed(format));
    }

    /** Draws with this layout (one RGB plane, any offset and stride that fit) from the next answer on. */
    public synchronized void setLayout(PlaneLayout layout) {
        checkDrawable(layout, framebufferBytes);
        plan = new Plan(layout, plan.corruption, plan.heldIndex, plan.answering);
    }

    /** Writes metadata broken this way from the next answer on, until {@link #heal()}. */
    public synchronized void corrupt(RegionCorruption corruption) {
        plan = new Plan(plan.layout, Objects.requireNonNull(corruption, "corruption"), plan.heldIndex, plan.answering);
    }

    /** Writes valid metadata again. */
    public synchronized void heal() {
        plan = new Plan(plan.layout, null, plan.heldIndex, plan.answering);
    }

    /** Draws frame {@code frameIndex} at every answer: a still picture, to compare pixel for pixel. */
    public synchronized void hold(long frameIndex) {
        if (frameIndex < 0) {
            throw new IllegalArgumentException("frame index " + frameIndex + " is negative");
        }
        plan = new Plan(plan.layout, plan.corruption, frameIndex, plan.answering);
    }

    /** Animates again after {@link #hold}. */
    public synchronized void animate() {
        plan = new Plan(plan.layout, plan.corruption, -1, plan.answering);
    }

    /** Whether requests are answered; {@code false} plays a hung producer. */
    public synchronized void setAnswering(boolean answering) {
        plan = new Plan(plan.layout, plan.corruption, plan.heldIndex, answering);
    }

    /** The layout answers are drawn in now. */
    public PlaneLayout layout() {
        return plan.layout;
    }

    public VideoFormat format() {
        return plan.layout.videoFormat();
    }

    public Path path() {
        return region.path();
    }

    /** The region file's size in bytes. */
    public long regionBytes() {
        return region.size();
    }

    /** Requests answered so far. */
    public long answered() {
        return answered.get();
    }

    /** {@link System#nanoTime()} of the last {@code UPDATE_COMPLETE}, 0 before the first. */
    public long lastAnswerNanos() {
        return lastAnswerNanos;
    }

    private void run() {
        try {
            while (!closed) {
                Plan now = plan;
                if (!now.answering
                        || RegionProtocol.stateAcquire(buffer, metadataAt) != RegionProtocol.STATE_REQUEST_UPDATE) {
                    LockSupport.parkNanos(this, POLL_NANOS);
                    continue;
                }
                answer(now);
            }
        } catch (RuntimeException | Error e) {
            log.error("region producer {} stopped: {}", region.path(), e.toString(), e);
        }
    }

    private void answer(Plan now) {
        PlaneLayout layout = now.layout;
        if (pattern == null || pattern.width() != layout.width() || pattern.height() != layout.height()) {
            pattern = new SyntheticPattern(layout.width(), layout.height());
        }
        long index = now.heldIndex >= 0 ? now.heldIndex : (System.nanoTime() - startNanos) / periodNanos;
        Frame view = Frame.wrap(new RegionMemory(region), layout);
        try {
            pattern.render(index, view);
        } finally {
            view.release();
        }
        RegionMetadata metadata = RegionMetadata.of(layout);
        if (now.corruption != null) {
            metadata = now.corruption.apply(metadata, framebufferBytes);
        }
        metadata.write(buffer, metadataAt);
        RegionProtocol.stateRelease(buffer, metadataAt, RegionProtocol.STATE_UPDATE_COMPLETE);
        lastAnswerNanos = System.nanoTime();
        answered.incrementAndGet();
    }

    /** Stops answering, waits for the thread, unmaps the region and deletes its file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // Unmapping under a running draw would crash the JVM: leak the mapping instead, and say so.
            log.error("region producer {}: its thread did not stop within 10 s; the mapping is left in place",
                    region.path());
            return;
        }
        region.close();
        try {
            Files.deleteIfExists(region.path());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete region " + region.path(), e);
        }
        log.info("region producer {}: stopped after {} answers", region.path(), answered.get());
    }
}
