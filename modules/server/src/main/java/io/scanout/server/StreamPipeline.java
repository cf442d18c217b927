package io.scanout.server;

import io.scanout.capture.FrameSource;
import io.scanout.capture.FrameSources;
import io.scanout.convert.DetectChanges;
import io.scanout.convert.NormalizeFormat;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.CursorPosition;
import io.scanout.core.input.DisplaySizeSink;
import io.scanout.core.input.InputSink;
import io.scanout.core.metrics.SourceStatus;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.EncodeVideo;
import io.scanout.transport.EncoderControl;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.StreamHub;
import io.scanout.transport.StreamInfo;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

/**
 * One running stream: source → convert → encode → hub, encoded once for all its viewers.
 *
 * <p>Frames go through change detection first, so an unchanged screen costs a compare and no
 * encode (a keep-alive frame still goes out at the stream's keep-alive interval, 1 s by default).
 *
 * <p>Owns its hub and the subscription that drives the pipeline; {@link #close()} cancels it,
 * which closes the source and frees the encoder. When a stage fails (a source that drops, an
 * encoder error) the pipeline is re-subscribed with backoff while the hub — and so every
 * viewer's connection — stays up.
 */
final class StreamPipeline implements StreamEndpoint, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamPipeline.class);

    private final StreamSettings settings;
    private final StreamMeters meters;
    /** The source's URI with secrets (a VNC password) masked: what {@code /streams} and the log show. */
    private final String sourceName;
    /** The source's input mapped to viewers' pixels; empty unless the settings permit input and the source takes it. */
    private final Optional<InputSink> input;
    /** The same in the captured picture's pixels, for clients of {@link #pictures()}. */
    private final Optional<InputSink> pictureInput;
    private final Flux<CursorImage> cursor;
    private final Flux<CursorPosition> cursorPositions;
    /** Where viewers' window sizes go; empty unless the settings permit input and the source can resize. */
    private final Optional<DisplaySizeSink> displaySize;
    private final EncodeVideo encoder;
    /** {@code POST /streams/{id}/encoder}: bitrate and frame rate while running. */
    private final EncoderControl encoderControl;
    private final StreamHub hub;
    private final FrameRate outputRate = new FrameRate();
    /** Pictures after change detection, for pixel clients (RFB Raw/ZRLE). */
    private final PictureTap pictureTap = new PictureTap();
    private final AtomicReference<VideoFormat> capturedFormat = new AtomicReference<>();
    private final AtomicReference<String> state = new AtomicReference<>("starting");
    private final Disposable running;

    StreamPipeline(StreamSettings settings, FramePool pool, MeterRegistry registry) {
        this(settings, pool, registry, meters -> FrameSources.open(settings.source(), pool, meters));
    }

    /**
     * A stream over the source {@code opener} makes with the stream's meters, in place of the one
     * its URI names: for tests that put a source of their own (an emulated vGPU) behind a stream.
     */
    StreamPipeline(StreamSettings settings, FramePool pool, MeterRegistry registry,
                   Function<StreamMeters, FrameSource> opener) {
        this.settings = settings;
        this.meters = new StreamMeters(registry, settings.id());
        FrameSource source = opener.apply(meters);
        this.sourceName = source.uri();
        this.pictureInput = settings.input() ? source.input() : Optional.empty();
        this.input = pictureInput.map(this::inViewerPixels);
        this.cursor = source.cursorImages();
        this.cursorPositions = source.cursorPositions();
        // A viewer's window size changes the guest's display: as much control as input, so the same permission.
        this.displaySize = settings.input() ? source.displaySize() : Optional.empty();
        this.encoder = EncodeVideo.create(settings.encoder(), meters);
        this.encoderControl = new StreamEncoderControl(settings.id(), encoder);
        this.hub = new StreamHub(settings.id(), settings.viewerLimits(), encoder::requestKeyframe, meters);
        Flux<EncodedPacket> packets = Flux.defer(() -> source.frames()
                        .doOnNext(event -> {
                            meters.source().connected();
                            event.formatChange().ifPresent(this::formatChanged);
                        })
                        // Sources without damage (region, VFIO, DRM) get theirs found here, and
                        // unchanged frames never reach the encoder.
                        .transform(changeDetection(settings, pool, meters))
                        .doOnNext(pictureTap::offer)
                        // 10-bit sources go to P010 when the encoder takes them at 10 bits, frame by frame.
                        .transform(NormalizeFormat.with(settings.convertSettings(encoder.inputFormat(),
                                                encoder.highDepthFormat()), pool, meters)
                                // Zero copy: dma-bufs an encoder imports (VAAPI) never cross to the CPU —
                                // unless a crop is asked for, which only the CPU path applies.
                                .passingDmaBufs(settings.crop().isPresent() ? Set.of() : encoder.dmaBufFormats()))
                        .transform(encoder))
                .doOnNext(packet -> {
                    outputRate.tick();
                    state.set("running");
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500))
                        .maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> {
                            state.set("restarting");
                            meters.sourceRestarted();
                            meters.source().reconnecting(signal.failure().toString());
                            log.warn("stream {}: pipeline failed, restarting (attempt {}): {}", settings.id(),
                                    signal.totalRetries() + 1, signal.failure().toString());
                        }));
        this.running = hub.connect(packets);
        log.info("stream {}: {} → {}{} encoded by {}", settings.id(), sourceName, encoder.inputFormat(),
                encoder.highDepthFormat().map(f -> " (" + f + " from 10-bit sources)").orElse(""),
                encoder.encoderName());
    }

    /**
     * Checks that a stream could start — its source URI opens and an encoder resolves — without
     * starting it (sources are cold: opening one reads its URI only).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void check(StreamSettings settings, FramePool pool) {
        StreamMeters none = StreamMeters.noop();
        FrameSources.open(settings.source(), pool, none);
        EncodeVideo.create(settings.encoder(), none);
    }

    /** Change detection as the stream's settings ask: its keep-alive interval ({@code --keep-alive}). */
    static DetectChanges changeDetection(StreamSettings settings, FramePool pool, StreamMeters meters) {
        return DetectChanges.create(pool, meters).keepAlive(settings.keepAlive());
    }

    private InputSink inViewerPixels(InputSink sourceInput) {
        return new StreamInput(sourceInput,
                () -> capturedFormat.get() == null ? 0 : capturedFormat.get().width(),
                () -> capturedFormat.get() == null ? 0 : capturedFormat.get().height(),
                () -> hub.config().map(CodecConfig::width).orElse(0),
                () -> hub.config().map(CodecConfig::height).orElse(0));
    }

    private void formatChanged(VideoFormat format) {
        VideoFormat before = capturedFormat.getAndSet(format);
        if (before != null && !before.equals(format)) {
            meters.formatChanged();
            log.info("stream {}: source changed from {} to {}", settings.id(), before, format);
        }
    }

    String id() {
        return settings.id();
    }

    StreamSettings settings() {
        return settings;
    }

    @Override
    public Flux<FrameEvent> pictures() {
        return pictureTap.pictures();
    }

    @Override
    public StreamHub hub() {
        return hub;
    }

    @Override
    public Optional<InputSink> input() {
        return input;
    }

    @Override
    public Optional<InputSink> inputInPicturePixels() {
        return pictureInput;
    }

    @Override
    public Flux<CursorImage> cursor() {
        return cursor;
    }

    @Override
    public Flux<CursorPosition> cursorPositions() {
        return cursorPositions;
    }

    @Override
    public Optional<DisplaySizeSink> displaySize() {
        return displaySize;
    }

    @Override
    public Optional<EncoderControl> encoderControl() {
        return Optional.of(encoderControl);
    }

    @Override
    public StreamInfo info() {
        VideoFormat format = capturedFormat.get();
        SourceStatus.Snapshot source = meters.source().snapshot();
        Optional<CodecConfig> config = hub.config();
        String codec = config.map(CodecConfig::codec).map(Object::toString).orElse(settings.encoder().codec().id());
        return new StreamInfo(settings.id(), sourceName,
                format == null ? 0 : format.width(), format == null ? 0 : format.height(),
                format == null ? "" : format.format().code(),
                codec, encoder.encoderName(), config.map(CodecConfig::codecString).orElse(""),
                config.map(CodecConfig::bitDepth).orElse(0), hub.viewers(), outputRate.perSecond(), state.get(),
                source.state().id(), source.lastError(),
                source.lastErrorAt() == null ? null : source.lastErrorAt().toString());
    }

    @Override
    public void close() {
        running.dispose();
        pictureTap.close();
        hub.dispose();
        state.set("stopped");
        meters.unregister();
    }
}
