package io.scanout.transport;

import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Serves one kind of client on a stream's URL, registered with {@link HttpTransport.Builder#streamHandler}:
 * {@code /streams/{id}.ts} for the suffix {@code .ts}, {@code /streams/{id}/rfb} for {@code /rfb}.
 * The transport has found the stream (404 otherwise) and checked access before calling it.
 *
 * <p>Called on a Netty event loop: must not block. A handler that upgrades to a WebSocket does so
 * itself ({@code res.sendWebsocket}).
 */
@FunctionalInterface
public interface StreamHandler {
    Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res, StreamEndpoint stream);
}
