package io.scanout.bench.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.scanout.transport.ws.ViewerMessages;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * One cheap WebSocket viewer for the fan-out benchmark: it speaks the viewer protocol
 * ({@code docs/protocol.md}) but decodes no video. Per PACKET it reads the header's sequence,
 * capture and send times straight from Netty's buffer (no copy of the payload), timestamps the
 * arrival and logs it in a {@link PacketLog}; CONFIG and PONG are read, anything else counted.
 * It checks as it goes what the protocol promises a viewer: a CONFIG before the first PACKET, the
 * first PACKET a keyframe, sequence numbers that only go up. (Gaps are normal: the source drops
 * frames when the encoder is busy, and the hub skips a slow viewer to the next keyframe.)
 *
 * <p>One of the viewers may also PING every {@code pingEvery}; its pongs feed the shared
 * {@link ClockOffset}. Threads: messages arrive on the connection's Netty event loop; the counters
 * and the log may be read from any thread. {@link #close} disposes the connection.
 */
final class LoadViewer {
    private final PacketLog log = new PacketLog();
    private final CompletableFuture<Void> firstKeyframe = new CompletableFuture<>();
    private final AtomicLong configs = new AtomicLong();
    private final AtomicLong protocolErrors = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ClockOffset offset;
    private final Disposable connection;
    // Event loop only.
    private long lastSequence = -1;

    private LoadViewer(HttpClient.WebsocketSender client, String url, ClockOffset offset, Duration pingEvery) {
        this.offset = offset;
        connection = client.uri(url)
                .handle((in, out) -> {
                    Mono<Void> received = in.receiveFrames().doOnNext(this::received).then();
                    if (pingEvery == null) {
                        return received;
                    }
                    Flux<BinaryWebSocketFrame> pings = Flux.interval(Duration.ZERO, pingEvery)
                            .map(i -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                                    ViewerMessages.encodePing(ClientClock.nowMicros() / 1000.0))));
                    return Mono.when(received, out.sendObject(pings).then());
                })
                .subscribe(null, this::failed, () -> failed(new IllegalStateException("the server closed")));
    }

    /** Opens a viewer of {@code url} ({@code ws://host:port/streams/ID}); returns at once. */
    static LoadViewer open(HttpClient.WebsocketSender websocketClient, String url) {
        return new LoadViewer(websocketClient, url, null, null);
    }

    /** Opens a viewer that also pings every {@code every} and feeds {@code offset}. */
    static LoadViewer openPinging(HttpClient.WebsocketSender websocketClient, String url, ClockOffset offset, Duration every) {
        return new LoadViewer(websocketClient, url, offset, every);
    }

    private void received(WebSocketFrame frame) {
        long arrival = ClientClock.nowMicros();
        if (!(frame instanceof BinaryWebSocketFrame) || !frame.isFinalFragment()) {
            protocolErrors.incrementAndGet(); // the server never sends text or fragments
            return;
        }
        ByteBuf b = frame.content();
        int at = b.readerIndex();
        if (b.readableBytes() < ViewerMessages.HEADER_BYTES || b.getByte(at + 1) != ViewerMessages.VERSION) {
            protocolErrors.incrementAndGet();
            return;
        }
        switch (b.getByte(at)) {
            case ViewerMessages.TYPE_PACKET -> packet(b, at, arrival);
            case ViewerMessages.TYPE_CONFIG -> configs.incrementAndGet();
            case ViewerMessages.TYPE_PONG -> {
                if (offset != null && b.readableBytes() >= ViewerMessages.PONG_BYTES) {
                    offset.sample(Math.round(b.getDouble(at + 2) * 1000), b.getLong(at + 10), arrival);
                }
            }
            default -> protocolErrors.incrementAndGet();
        }
    }

    /** docs/protocol.md, PACKET: flags at 2, sequence at 3, pts at 11, capture at 19, send at 27. */
    private void packet(ByteBuf b, int at, long arrival) {
        if (b.readableBytes() < ViewerMessages.PACKET_HEADER_BYTES) {
            protocolErrors.incrementAndGet();
            return;
        }
        boolean keyframe = (b.getByte(at + 2) & ViewerMessages.FLAG_KEYFRAME) != 0;
        long sequence = b.getLong(at + 3);
        if (lastSequence < 0 ? !keyframe || configs.get() == 0 : sequence <= lastSequence) {
            protocolErrors.incrementAndGet(); // must start with CONFIG then a keyframe, and go forward
        }
        lastSequence = sequence;
        log.add(sequence, arrival, b.getLong(at + 19), b.getLong(at + 27));
        if (keyframe) {
            firstKeyframe.complete(null);
        }
    }

    private void failed(Throwable e) {
        failure.compareAndSet(null, e);
        firstKeyframe.completeExceptionally(e);
    }

    /** Completes on the first keyframe; fails if the connection fails or ends first. */
    CompletableFuture<Void> firstKeyframe() {
        return firstKeyframe;
    }

    PacketLog log() {
        return log;
    }

    /** Messages that broke the protocol's promises (see the class comment); 0 on a correct server. */
    long protocolErrors() {
        return protocolErrors.get();
    }

    /** Why the connection ended before {@link #close}, or null. */
    Throwable failure() {
        return failure.get();
    }

    void close() {
        connection.dispose();
    }
}
