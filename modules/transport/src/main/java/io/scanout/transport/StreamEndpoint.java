package io.scanout.transport;

/**
 * One stream as the transport sees it: the hub viewers join, and what {@code /streams} says about
 * it. Owned by the application; the transport only reads it. Thread-safe, non-blocking.
 */
public interface StreamEndpoint {

    /** The stream's fan-out; its {@link StreamHub#meters()} record what the transport sends. */
    StreamHub hub();

    /** A snapshot of the stream for {@code GET /streams}. */
    StreamInfo info();
}
