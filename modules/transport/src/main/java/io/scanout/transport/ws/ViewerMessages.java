package io.scanout.transport.ws;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes the viewer protocol's binary WebSocket messages ({@code docs/protocol.md}).
 * Every number is big-endian (network order); every message starts with its type (u8) and the
 * protocol version (u8). Pure functions over {@link ByteBuffer}s: no I/O, no state, any thread.
 *
 * <p>Encoders return a new buffer positioned at 0 whose remaining bytes are the message.
 * {@link #decode} reads a whole message without moving the caller's buffer, and throws
 * {@link ViewerProtocolException} naming what is wrong; bytes after the fields it knows (other
 * than a packet's payload) are ignored, so a later version can append fields compatibly.
 */
public final class ViewerMessages {
    /** Bumped on any incompatible change. */
    public static final int VERSION = 1;

    public static final int TYPE_CONFIG = 1;
    public static final int TYPE_PACKET = 2;
    public static final int TYPE_PING = 3;
    public static final int TYPE_PONG = 4;

    /** Bit 0 of a packet's flags. */
    public static final int FLAG_KEYFRAME = 1;

    /** type, version. */
    public static final int HEADER_BYTES = 2;
    /** type, version, flags, sequence, pts, capture time, send time; the payload follows. */
    public static final int PACKET_HEADER_BYTES = HEADER_BYTES + 1 + 4 * Long.BYTES;
    public static final int PING_BYTES = HEADER_BYTES + Double.BYTES;
    public static final int PONG_BYTES = HEADER_BYTES + Double.BYTES + Long.BYTES;

    private static final int CONFIG_FIXED_BYTES = HEADER_BYTES + 1 + 2 + 2;

    /**
     * A CONFIG message for {@code config}.
     *
     * @throws IllegalArgumentException if the size does not fit u16 or a string is not ASCII of at
     *                                  most 255 bytes
     */
    public static ByteBuffer encodeConfig(CodecConfig config) {
        checkU16("width", config.width());
        checkU16("height", config.height());
        byte[] codecString = ascii("codec string", config.codecString());
        byte[] encoder = ascii("encoder name", config.encoder());
        byte[] sets = config.parameterSets();
        ByteBuffer b = allocate(CONFIG_FIXED_BYTES + 1 + codecString.length + 1 + encoder.length + 4 + sets.length);
        b.put((byte) TYPE_CONFIG).put((byte) VERSION)
                .put((byte) config.codec().wireId())
                .putShort((short) config.width())
                .putShort((short) config.height())
                .put((byte) codecString.length).put(codecString)
                .put((byte) encoder.length).put(encoder)
                .putInt(sets.length).put(sets);
        return b.flip();
    }

    /**
     * The fixed part of a PACKET message; the payload ({@link EncodedPacket#bytes()}) follows it
     * in the same WebSocket message, so a transport can write the two without copying the payload.
     */
    public static ByteBuffer encodePacketHeader(EncodedPacket packet, long captureEpochMicros, long sendEpochMicros) {
        ByteBuffer b = allocate(PACKET_HEADER_BYTES);
        b.put((byte) TYPE_PACKET).put((byte) VERSION)
                .put((byte) (packet.keyframe() ? FLAG_KEYFRAME : 0))
                .putLong(packet.sequence())
                .putLong(packet.ptsMicros())
                .putLong(captureEpochMicros)
                .putLong(sendEpochMicros);
        return b.flip();
    }

    /** A whole PACKET message, header and a copy of the payload. */
    public static ByteBuffer encodePacket(EncodedPacket packet, long captureEpochMicros, long sendEpochMicros) {
        ByteBuffer b = allocate(PACKET_HEADER_BYTES + packet.size());
        b.put(encodePacketHeader(packet, captureEpochMicros, sendEpochMicros)).put(packet.bytes());
        return b.flip();
    }

    public static ByteBuffer encodePing(double clientMillis) {
        return allocate(PING_BYTES).put((byte) TYPE_PING).put((byte) VERSION).putDouble(clientMillis).flip();
    }

    public static ByteBuffer encodePong(double clientMillis, long serverEpochMicros) {
        return allocate(PONG_BYTES).put((byte) TYPE_PONG).put((byte) VERSION)
                .putDouble(clientMillis).putLong(serverEpochMicros).flip();
    }

    /**
     * Reads one message (the buffer's remaining bytes), leaving the buffer's position as it was.
     * A packet's payload is a read-only view of {@code message}, not a copy.
     *
     * @throws ViewerProtocolException if the message is short, of another version, of an unknown
     *                                 type, or names an unknown codec
     */
    public static ViewerMessage decode(ByteBuffer message) {
        ByteBuffer b = message.slice().order(ByteOrder.BIG_ENDIAN);
        int length = b.remaining();
        need(b, HEADER_BYTES, "message header", length);
        int type = b.get() & 0xff;
        int version = b.get() & 0xff;
        if (version != VERSION) {
            throw new ViewerProtocolException("protocol version " + version + " is not supported (this side speaks "
                    + VERSION + "); message type " + type + ", " + length + " bytes");
        }
        switch (type) {
            case TYPE_CONFIG:
                return decodeConfig(b, length);
            case TYPE_PACKET:
                need(b, PACKET_HEADER_BYTES - HEADER_BYTES, "PACKET header", length);
                int flags = b.get() & 0xff;
                return new ViewerMessage.Packet((flags & FLAG_KEYFRAME) != 0, b.getLong(), b.getLong(), b.getLong(),
                        b.getLong(), b.slice().asReadOnlyBuffer());
            case TYPE_PING:
                need(b, PING_BYTES - HEADER_BYTES, "PING", length);
                return new ViewerMessage.Ping(b.getDouble());
            case TYPE_PONG:
                need(b, PONG_BYTES - HEADER_BYTES, "PONG", length);
                return new ViewerMessage.Pong(b.getDouble(), b.getLong());
            default:
                throw new ViewerProtocolException("unknown message type " + type + " (" + length + " bytes)");
        }
    }

    private static ViewerMessage decodeConfig(ByteBuffer b, int length) {
        need(b, CONFIG_FIXED_BYTES - HEADER_BYTES, "CONFIG codec and size", length);
        Codec codec = codecOf(b.get() & 0xff);
        int width = b.getShort() & 0xffff;
        int height = b.getShort() & 0xffff;
        String codecString = string(b, "codec string", length);
        String encoder = string(b, "encoder name", length);
        need(b, Integer.BYTES, "CONFIG parameter sets length", length);
        long setsLength = b.getInt() & 0xffff_ffffL;
        if (setsLength > b.remaining()) {
            throw new ViewerProtocolException("message truncated: CONFIG says " + setsLength
                    + " bytes of parameter sets but only " + b.remaining() + " remain; the message has " + length);
        }
        byte[] sets = new byte[(int) setsLength];
        b.get(sets);
        return new ViewerMessage.Config(new CodecConfig(codec, encoder, width, height, codecString, sets));
    }

    /** The codec with this {@link Codec#wireId()}. */
    public static Codec codecOf(int wireId) {
        for (Codec codec : Codec.values()) {
            if (codec.wireId() == wireId) {
                return codec;
            }
        }
        throw new ViewerProtocolException("unknown codec id " + wireId);
    }

    private static String string(ByteBuffer b, String what, int length) {
        need(b, 1, what + " length", length);
        int n = b.get() & 0xff;
        need(b, n, what, length);
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static void need(ByteBuffer b, int bytes, String what, int length) {
        if (b.remaining() < bytes) {
            throw new ViewerProtocolException("message truncated: " + what + " needs " + bytes + " bytes at offset "
                    + b.position() + " but the message has " + length);
        }
    }

    private static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.BIG_ENDIAN);
    }

    private static void checkU16(String what, int value) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException(what + " " + value + " does not fit the protocol's u16 (0..65535)");
        }
    }

    private static byte[] ascii(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7f) {
                throw new IllegalArgumentException(what + " '" + value + "' is not ASCII (char " + i + ")");
            }
        }
        if (value.length() > 0xff) {
            throw new IllegalArgumentException(what + " is " + value.length() + " characters, the protocol allows 255");
        }
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    private ViewerMessages() {
    }
}
