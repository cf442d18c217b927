package io.scanout.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A test viewer that speaks docs/protocol.md, written from the document rather than from the
 * transport's own classes, so the two check each other. Blocks until it has what it asked for.
 */
final class ViewerClient {
    static final int CONFIG = 1;
    static final int PACKET = 2;

    /** A CONFIG message. */
    record Config(int codecId, int width, int height, String codecString, String encoder, byte[] parameterSets) {
    }

    /** A PACKET message. */
    record Packet(boolean keyframe, long sequence, long ptsMicros, long captureEpochMicros, long sendEpochMicros,
                  byte[] payload) {
    }

    /** What a viewer saw: configs and packets in arrival order. */
    record Session(List<Object> messages) {
        List<Packet> packets() {
            List<Packet> packets = new ArrayList<>();
            for (Object m : messages) {
                if (m instanceof Packet p) {
                    packets.add(p);
                }
            }
            return packets;
        }

        Config firstConfig() {
            return (Config) messages.stream().filter(m -> m instanceof Config).findFirst().orElseThrow();
        }
    }

    /** Connects to {@code ws://127.0.0.1:port/streams/id} and collects messages until {@code packets} packets came. */
    static Session watch(int port, String streamId, int packets, Duration timeout) {
        List<Object> messages = HttpClient.create()
                .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
                .uri("ws://127.0.0.1:" + port + "/streams/" + streamId)
                .handle((in, out) -> in.receive().asByteArray())
                .map(ViewerClient::parse)
                .takeUntil(new java.util.function.Predicate<Object>() {
                    int seen;

                    @Override
                    public boolean test(Object m) {
                        return m instanceof Packet && ++seen >= packets;
                    }
                })
                .collectList()
                .block(timeout);
        return new Session(messages);
    }

    static Object parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes); // network order, as the protocol says
        int type = b.get() & 0xff;
        int version = b.get() & 0xff;
        if (version != 1) {
            throw new IllegalStateException("protocol version " + version);
        }
        switch (type) {
            case CONFIG: {
                int codec = b.get() & 0xff;
                int width = b.getShort() & 0xffff;
                int height = b.getShort() & 0xffff;
                String codecString = string(b, b.get() & 0xff);
                String encoder = string(b, b.get() & 0xff);
                byte[] sets = new byte[b.getInt()];
                b.get(sets);
                return new Config(codec, width, height, codecString, encoder, sets);
            }
            case PACKET: {
                boolean key = (b.get() & 1) != 0;
                long sequence = b.getLong();
                long pts = b.getLong();
                long capture = b.getLong();
                long send = b.getLong();
                byte[] payload = new byte[b.remaining()];
                b.get(payload);
                return new Packet(key, sequence, pts, capture, send, payload);
            }
            default:
                return "type " + type;
        }
    }

    private static String string(ByteBuffer b, int length) {
        byte[] s = new byte[length];
        b.get(s);
        return new String(s, StandardCharsets.US_ASCII);
    }

    private ViewerClient() {
    }
}
