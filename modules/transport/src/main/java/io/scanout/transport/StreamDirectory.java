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

    /** A directory of one stream, {@code id}, for an application (or a test) that serves just that. */
    static StreamDirectory of(String id, StreamEndpoint endpoint) {
        return new StreamDirectory() {
            @Override
            public Optional<StreamEndpoint> find(String wanted) {
                return id.equals(wanted) ? Optional.of(endpoint) : Optional.empty();
            }

            @Override
            public List<StreamInfo> list() {
                return List.of(endpoint.info());
            }
        };
    }
}
