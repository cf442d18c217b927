package io.scanout.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter of one stream, declared here and registered once, all tagged {@code stream}.
 * Stages take one of these; a stage used on its own gets {@link #noop()}.
 *
 * <p>Names follow Micrometer's conventions (lowercase, dot-separated, unit as base unit):
 * <ul>
 *   <li>{@code scanout.frames.captured|converted|encoded} — counters of frames through each stage;</li>
 *   <li>{@code scanout.frames.dropped} — counter, tag {@code reason} ({@link DropReason});</li>
 *   <li>{@code scanout.stage.latency} — timer, tag {@code stage} ({@link Stage});</li>
 *   <li>{@code scanout.capture.to.wire} — timer from capture to the first byte on a viewer's socket;</li>
 *   <li>{@code scanout.encoder.bytes} — counter (bytes) of bitstream out, tags {@code codec}, {@code encoder};</li>
 *   <li>{@code scanout.keyframes.requested|produced} — counters;</li>
 *   <li>{@code scanout.viewers} — gauge of viewers now; {@code scanout.viewers.joined} — counter;</li>
 *   <li>{@code scanout.viewer.bytes.sent} — counter (bytes) to all viewers;</li>
 *   <li>{@code scanout.viewer.skips} — counter of times a viewer fell behind and skipped to a keyframe;</li>
 *   <li>{@code scanout.source.restarts} — counter of pipeline restarts after a source or stage failed;</li>
 *   <li>{@code scanout.format.changes} — counter of source size/format changes.</li>
 * </ul>
 * Thread-safe.
 */
public final class StreamMeters {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter captured;
    private final Counter converted;
    private final Counter encoded;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private final Map<Stage, Timer> stageLatency = new EnumMap<>(Stage.class);
    private final Timer captureToWire;
    private final Counter keyframesRequested;
    private final Counter keyframesProduced;
    private final Counter viewersJoined;
    private final Counter viewerBytesSent;
    private final Counter viewerSkips;
    private final Counter sourceRestarts;
    private final Counter formatChanges;
    private final AtomicInteger viewers = new AtomicInteger();
    private final SourceStatus sourceStatus = new SourceStatus();
    private final Map<String, Counter> encoderBytes = new ConcurrentHashMap<>();

    public StreamMeters(MeterRegistry registry, String streamId) {
        this.registry = registry;
        this.tags = Tags.of("stream", streamId);
        captured = counter("scanout.frames.captured", "frames a source captured");
        converted = counter("scanout.frames.converted", "frames the convert stage handed on");
        encoded = counter("scanout.frames.encoded", "frames the encoder took in");
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Counter.builder("scanout.frames.dropped").description("frames not carried on")
                    .tags(tags).tag("reason", reason.tag()).register(registry));
        }
        for (Stage stage : Stage.values()) {
            stageLatency.put(stage, latencyTimer("scanout.stage.latency", "time a frame spends in a stage")
                    .tag("stage", stage.tag()).register(registry));
        }
        captureToWire = latencyTimer("scanout.capture.to.wire", "from capture to the packet's write to a viewer")
                .register(registry);
        keyframesRequested = counter("scanout.keyframes.requested", "keyframes asked of the encoder");
        keyframesProduced = counter("scanout.keyframes.produced", "keyframes the encoder made");
        viewersJoined = counter("scanout.viewers.joined", "viewers that connected");
        viewerBytesSent = Counter.builder("scanout.viewer.bytes.sent").baseUnit(BaseUnits.BYTES)
                .description("bytes written to viewers").tags(tags).register(registry);
        viewerSkips = counter("scanout.viewer.skips", "times a viewer fell behind and skipped to a keyframe");
        sourceRestarts = counter("scanout.source.restarts", "pipeline restarts after a source or stage failed");
        formatChanges = counter("scanout.format.changes", "source size or pixel format changes");
        registry.gauge("scanout.viewers", tags, viewers);
    }

    /** The source's state and last error (not a meter: what {@code /streams} shows), fed by the source. */
    public SourceStatus source() {
        return sourceStatus;
    }

    /** Meters that record nowhere, for a stage used outside a Scanout server. */
    public static StreamMeters noop() {
        return new StreamMeters(new CompositeMeterRegistry(), "none");
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private Timer.Builder latencyTimer(String name, String description) {
        return Timer.builder(name).description(description).tags(tags)
                .publishPercentiles(0.5, 0.9, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(2));
    }

    public void frameCaptured() {
        captured.increment();
    }

    public void frameConverted() {
        converted.increment();
    }

    public void frameEncoded() {
        encoded.increment();
    }

    public void frameDropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    public void stageTook(Stage stage, long nanos) {
        stageLatency.get(stage).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records capture-to-wire latency of a packet captured at {@code captureNanos} ({@link System#nanoTime()}). */
    public void packetOnWire(long captureNanos) {
        captureToWire.record(System.nanoTime() - captureNanos, TimeUnit.NANOSECONDS);
    }

    public void packetEncoded(String codec, String encoder, int bytes, boolean keyframe) {
        encoderBytes.computeIfAbsent(codec + '\0' + encoder, k -> Counter.builder("scanout.encoder.bytes")
                .baseUnit(BaseUnits.BYTES).description("bitstream bytes the encoder produced")
                .tags(tags).tag("codec", codec).tag("encoder", encoder).register(registry)).increment(bytes);
        if (keyframe) {
            keyframesProduced.increment();
        }
    }

    public void keyframeRequested() {
        keyframesRequested.increment();
    }

    public void viewerJoined() {
        viewersJoined.increment();
        viewers.incrementAndGet();
    }

    public void viewerLeft() {
        viewers.decrementAndGet();
    }

    public void bytesSent(long bytes) {
        viewerBytesSent.increment(bytes);
    }

    /** A viewer fell behind: its queue was cleared and it waits for the next keyframe. */
    public void viewerSkippedToKeyframe() {
        viewerSkips.increment();
    }

    public void sourceRestarted() {
        sourceRestarts.increment();
    }

    public void formatChanged() {
        formatChanges.increment();
    }

    /**
     * Removes every meter of this stream from the registry (the stream stopped): its series end
     * instead of standing still, and a restarted stream of the same id registers fresh ones —
     * the viewers gauge in particular is bound to its stream's own counter.
     */
    public void unregister() {
        for (Meter meter : registry.getMeters()) {
            if (tags.stream().allMatch(t -> t.getValue().equals(meter.getId().getTag(t.getKey())))) {
                registry.remove(meter);
            }
        }
    }

    /** Viewers connected now. */
    public int viewers() {
        return viewers.get();
    }

    /** The registry these meters live in, for stage-specific meters a module adds with {@link #tags()}. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The {@code stream} tag every meter of this stream carries. */
    public Tags tags() {
        return tags;
    }

    /** Latency timer of a stage, for reading back (e.g. in {@code /streams}). */
    public Timer stageTimer(Stage stage) {
        return stageLatency.get(stage);
    }

    public Timer captureToWireTimer() {
        return captureToWire;
    }
}
