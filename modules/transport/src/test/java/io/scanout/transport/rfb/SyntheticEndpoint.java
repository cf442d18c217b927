package io.scanout.transport.rfb;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.capture.synthetic.SyntheticSettings;
import io.scanout.capture.synthetic.SyntheticSource;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.input.CursorPosition;
import io.scanout.core.input.InputSink;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.StreamHub;
import io.scanout.transport.StreamInfo;
import io.scanout.transport.ViewerLimits;
import io.scanout.transport.security.ConnectionLimits;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A stream for the RFB tests: the synthetic display's pictures (its picture is a pure function of
 * the frame index, so a test can re-render what it should have received) and a hub without video.
 * Each subscriber to {@link #pictures()} gets its own synthetic source, which is what the
 * server's tap looks like to one client.
 */
final class SyntheticEndpoint implements StreamEndpoint {
    final FramePool pool = new FramePool();
    final SyntheticSource source;
    final StreamHub hub;
    private final String id;
    /** What reached the input sinks, in order. */
    final List<String> inputs = new CopyOnWriteArrayList<>();
    /** Where a test puts the pointer, as a VFIO source's cursor plane would: hot, newest replayed. */
    final Sinks.Many<CursorPosition> positions = Sinks.many().replay().latest();
    /** The RFB servers of this stream that {@link #serve} started. */
    private final List<RfbServer> servers = new CopyOnWriteArrayList<>();

    SyntheticEndpoint(String id, int width, int height, int fps, DrmFormat format) {
        this.id = id;
        this.source = SyntheticSource.open(new SyntheticSettings(width, height, fps, format), pool, StreamMeters.noop());
        this.hub = new StreamHub(id, ViewerLimits.defaults(), () -> { }, StreamMeters.noop());
        hub.connect(Flux.never());
    }

    @Override
    public StreamHub hub() {
        return hub;
    }

    @Override
    public StreamInfo info() {
        SyntheticSettings s = source.settings();
        return new StreamInfo(id, source.uri(), s.width(), s.height(), s.format().code(), "h264", "none", 0, s.fps(),
                "running");
    }

    @Override
    public Flux<FrameEvent> pictures() {
        return source.frames();
    }

    @Override
    public Flux<CursorPosition> cursorPositions() {
        return positions.asFlux();
    }

    /** Input as video viewers send it: recorded as "video pointer X,Y,BUTTONS" / "video key KEYSYM,DOWN". */
    @Override
    public Optional<InputSink> input() {
        return Optional.of(recording("video"));
    }

    /** Input in the pictures' pixels: recorded as "picture …". */
    @Override
    public Optional<InputSink> inputInPicturePixels() {
        return Optional.of(recording("picture"));
    }

    private InputSink recording(String kind) {
        return new InputSink() {
            @Override
            public boolean pointer(int x, int y, int buttons) {
                return inputs.add(kind + " pointer " + x + "," + y + "," + buttons);
            }

            @Override
            public boolean key(int keysym, boolean down) {
                return inputs.add(kind + " key " + keysym + "," + down);
            }
        };
    }

    SyntheticPattern pattern() {
        return source.pattern();
    }

    /** Frame {@code index} of the pattern as 0xRRGGBB, row by row. */
    int[] expected(long index) {
        SyntheticSettings s = source.settings();
        Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, s.width(), s.height()));
        try {
            source.pattern().render(index, frame);
            int[] rgb = new int[s.width() * s.height()];
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    rgb[y * s.width() + x] = frame.buffer().getInt((int) (frame.layout().offset(0)
                            + (long) y * frame.layout().stride(0) + 4L * x)) & 0xffffff;
                }
            }
            return rgb;
        } finally {
            frame.release();
        }
    }

    void close() {
        hub.dispose();
    }

    /**
     * Stops every server {@link #serve} started, closes the stream, and waits until every frame its
     * pictures took is back in its pool; fails if one is not.
     */
    void closeAndAwaitFramesBack() {
        servers.forEach(RfbServer::close);
        close();
        RfbServerTest.await(() -> pool.stats().outstanding() == 0, "frames still held: " + pool.stats());
    }

    /** An RFB server of this stream alone, on a free port of {@code address}; stopped by {@link #closeAndAwaitFramesBack}. */
    RfbServer serve(String address, RfbSecurity security) {
        return started(RfbServer.start(address, 0, () -> Optional.<StreamEndpoint>of(this), security));
    }

    /** As {@link #serve(String, RfbSecurity)}, with {@code limits} on the connections. */
    RfbServer serve(String address, RfbSecurity security, ConnectionLimits limits) {
        return started(RfbServer.start(address, 0, () -> Optional.<StreamEndpoint>of(this), security, limits));
    }

    private RfbServer started(RfbServer server) {
        servers.add(server);
        return server;
    }
}
