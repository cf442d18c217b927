package io.scanout.transport;

import java.util.List;
import java.util.Optional;

/**
 * The streams an {@link HttpTransport} serves, as the application (the server module) keeps them.
 *
 * <p>Called on Netty event loops for every {@code /streams} request and viewer connection:
 * implementations must be thread-safe and must not block (look up a map, read a few counters).
 */
public interface StreamDirectory {

    /** The stream with this id, if there is one. */
    Optional<StreamEndpoint> find(String id);

    /** Every stream, in the order {@code GET /streams} lists them. */
    List<StreamInfo> list();
}
