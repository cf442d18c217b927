package io.scanout.transport.mux;

import io.scanout.transport.HttpTransport;
import io.scanout.transport.StreamDirectory;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.StreamHub;
import io.scanout.transport.StreamInfo;
import java.time.Duration;

/**
 * The server of a mux test: one stream, {@code main}, whose hub the test feeds, served over HTTP with
 * the mux routes on a free loopback port. Closing it disposes the hub and stops the server.
 */
final class MuxServer implements AutoCloseable {
    private static final Duration JOIN_PATIENCE = Duration.ofSeconds(20);

    private final StreamHub hub;
    private final HttpTransport.Running http;

    private MuxServer(StreamHub hub, HttpTransport.Running http) {
        this.hub = hub;
        this.http = http;
    }

    /** Serves {@code hub} as stream {@code main}, listed as H.264 at {@code width}x{@code height}. */
    static MuxServer start(StreamHub hub, int width, int height) {
        StreamDirectory directory = StreamDirectory.of("main", new Endpoint(hub, width, height));
        try {
            return new MuxServer(hub, MuxHandler.register(HttpTransport.builder().bind("127.0.0.1", 0)
                    .directory(directory)).build().start());
        } catch (RuntimeException e) {
            hub.dispose();
            throw e;
        }
    }

    int port() {
        return http.port();
    }

    /** The URL of {@code path} (starting with a slash) on this server. */
    String url(String path) {
        return "http://127.0.0.1:" + http.port() + path;
    }

    /** Waits until {@code count} viewers have joined the hub; fails if they have not within 20 s. */
    void awaitViewers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_PATIENCE.toNanos();
        while (hub.viewers() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + count + " viewer(s) joined within " + JOIN_PATIENCE.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        hub.dispose();
        http.close();
    }

    private record Endpoint(StreamHub hub, int width, int height) implements StreamEndpoint {
        @Override
        public StreamInfo info() {
            return new StreamInfo(hub.streamId(), "synthetic:", width, height, "NV12", "h264", "libx264",
                    hub.viewers(), 30, "running");
        }
    }
}
