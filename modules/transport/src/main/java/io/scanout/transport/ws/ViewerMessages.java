package io.scanout.transport.ws;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.CursorPosition;
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
    public static final int TYPE_POINTER = 5;
    public static final int TYPE_KEY = 6;
    public static final int TYPE_CURSOR = 7;
    public static final int TYPE_CURSOR_POSITION = 8;
    public static final int TYPE_WINDOW_SIZE = 9;

    /** Bit 0 of a packet's flags. */
    public static final int FLAG_KEYFRAME = 1;
    /** Bit 0 of a config's flags: the server acts on this viewer's POINTER and KEY messages. */
    public static final int CONFIG_FLAG_INPUT = 1;
    /** Bit 1 of a config's flags: the server passes this viewer's WINDOW_SIZE to the source. */
    public static final int CONFIG_FLAG_WINDOW_SIZE = 2;

    /** type, version. */
    public static final int HEADER_BYTES = 2;
    /** type, version, flags, sequence, pts, capture time, send time; the payload follows. */
    public static final int PACKET_HEADER_BYTES = HEADER_BYTES + 1 + 4 * Long.BYTES;
    public static final int PING_BYTES = HEADER_BYTES + Double.BYTES;
    public static final int PONG_BYTES = HEADER_BYTES + Double.BYTES + Long.BYTES;
    /** type, version, x, y, buttons. */
    public static final int POINTER_BYTES = HEADER_BYTES + 2 + 2 + 1;
    /** type, version, down, keysym. */
    public static final int KEY_BYTES = HEADER_BYTES + 1 + 4;
    /** type, version, hotspot x and y, width, height; the RGBA pixels follow. */
    public static final int CURSOR_HEADER_BYTES = HEADER_BYTES + 4 * 2;
    /** type, version, x, y, display width, display height. */
    public static final int CURSOR_POSITION_BYTES = HEADER_BYTES + 4 * 2;
    /** type, version, width, height. */
    public static final int WINDOW_SIZE_BYTES = HEADER_BYTES + 2 * 2;
    /** The widest and tallest cursor sent; a larger one is cropped, so a CURSOR is at most 256 KiB. */
    public static final int MAX_CURSOR_SIDE = 256;
    /** X11 keysyms are 29-bit values ({@code X.h}: "the top three bits are always zero"). */
    public static final int MAX_KEYSYM = 0x1fff_ffff;

    private static final int CONFIG_FIXED_BYTES = HEADER_BYTES + 1 + 2 + 2;
    /** For {@link #config}: a CONFIG that ends at its parameter sets, as first specified. */
    private static final int NO_FLAGS_BYTE = -1;

    /**
     * A CONFIG message for {@code config}.
     *
     * @throws IllegalArgumentException if the size does not fit u16 or a string is not ASCII of at
     *                                  most 255 bytes
     */
    public static ByteBuffer encodeConfig(CodecConfig config) {
        return config(config, NO_FLAGS_BYTE);
    }

    /**
     * A CONFIG message for {@code config} ending in these flags ({@link #CONFIG_FLAG_INPUT}); the
     * one-argument form leaves the flags byte out, which readers take as no flags.
     *
     * @throws IllegalArgumentException as {@link #encodeConfig(CodecConfig)}, or for flags outside 0..255
     */
    public static ByteBuffer encodeConfig(CodecConfig config, int flags) {
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("config flags " + flags + " do not fit the protocol's u8");
        }
        return config(config, flags);
    }

    private static ByteBuffer config(CodecConfig config, int flags) {
        checkU16("width", config.width());
        checkU16("height", config.height());
        byte[] codecString = ascii("codec string", config.codecString());
        byte[] encoder = ascii("encoder name", config.encoder());
        byte[] sets = config.parameterSets();
        ByteBuffer b = allocate(CONFIG_FIXED_BYTES + 1 + codecString.length + 1 + encoder.length + 4 + sets.length + (flags < 0 ? 0 : 1));
        b.put((byte) TYPE_CONFIG).put((byte) VERSION)
                .put((byte) config.codec().wireId())
                .putShort((short) config.width())
                .putShort((short) config.height())
                .put((byte) codecString.length).put(codecString)
                .put((byte) encoder.length).put(encoder)
                .putInt(sets.length).put(sets);
        if (flags >= 0) {
            b.put((byte) flags);
        }
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
     * A POINTER message.
     *
     * @throws IllegalArgumentException for coordinates outside 0..65535 or buttons outside 0..255
     */
    public static ByteBuffer encodePointer(int x, int y, int buttons) {
        checkU16("x", x);
        checkU16("y", y);
        if (buttons < 0 || buttons > 0xff) {
            throw new IllegalArgumentException("button mask " + buttons + " does not fit the protocol's u8");
        }
        return allocate(POINTER_BYTES).put((byte) TYPE_POINTER).put((byte) VERSION)
                .putShort((short) x).putShort((short) y).put((byte) buttons).flip();
    }

    /**
     * A KEY message.
     *
     * @throws IllegalArgumentException for a keysym outside 1..{@value #MAX_KEYSYM}
     */
    public static ByteBuffer encodeKey(int keysym, boolean down) {
        checkKeysym(keysym, IllegalArgumentException::new);
        return allocate(KEY_BYTES).put((byte) TYPE_KEY).put((byte) VERSION)
                .put((byte) (down ? 1 : 0)).putInt(keysym).flip();
    }

    /**
     * A CURSOR message for {@code cursor}: its pixels as RGBA bytes (not premultiplied), row by
     * row. A cursor wider or taller than {@value #MAX_CURSOR_SIDE} is cropped to its top-left
     * {@value #MAX_CURSOR_SIDE}x{@value #MAX_CURSOR_SIDE} pixels, and a hotspot outside the picture
     * is moved to its nearest edge, so every CURSOR a reader gets is valid.
     */
    public static ByteBuffer encodeCursor(CursorImage cursor) {
        int width = cursor.isHidden() ? 0 : Math.min(cursor.width(), MAX_CURSOR_SIDE);
        int height = cursor.isHidden() ? 0 : Math.min(cursor.height(), MAX_CURSOR_SIDE);
        int hotspotX = width == 0 ? 0 : Math.max(0, Math.min(cursor.hotspotX(), width - 1));
        int hotspotY = height == 0 ? 0 : Math.max(0, Math.min(cursor.hotspotY(), height - 1));
        ByteBuffer b = allocate(CURSOR_HEADER_BYTES + width * height * 4);
        b.put((byte) TYPE_CURSOR).put((byte) VERSION)
                .putShort((short) hotspotX).putShort((short) hotspotY)
                .putShort((short) width).putShort((short) height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = cursor.pixel(x, y);
                b.putInt(argb << 8 | argb >>> 24); // 0xAARRGGBB → R, G, B, A
            }
        }
        return b.flip();
    }

    /**
     * A CURSOR_POSITION message: the pointer's hotspot at {@code x,y} of a display of the given size.
     *
     * @throws IllegalArgumentException for a display larger than 65535 pixels a side
     */
    public static ByteBuffer encodeCursorPosition(CursorPosition position) {
        checkU16("display width", position.displayWidth());
        checkU16("display height", position.displayHeight());
        return allocate(CURSOR_POSITION_BYTES).put((byte) TYPE_CURSOR_POSITION).put((byte) VERSION)
                .putShort((short) position.x()).putShort((short) position.y())
                .putShort((short) position.displayWidth()).putShort((short) position.displayHeight()).flip();
    }

    /**
     * A WINDOW_SIZE message: the viewer would like a display of {@code width × height} pixels.
     *
     * @throws IllegalArgumentException for a side outside 1..65535
     */
    public static ByteBuffer encodeWindowSize(int width, int height) {
        checkU16("width", width);
        checkU16("height", height);
        if (width == 0 || height == 0) {
            throw new IllegalArgumentException("a window size is at least 1x1, not " + width + "x" + height);
        }
        return allocate(WINDOW_SIZE_BYTES).put((byte) TYPE_WINDOW_SIZE).put((byte) VERSION)
                .putShort((short) width).putShort((short) height).flip();
    }

    /**
     * Reads one message (the buffer's remaining bytes), leaving the buffer's position as it was.
     * A packet's payload is a read-only view of {@code message}, not a copy.
     *
     * @throws ViewerProtocolException if the message is short, of another version, of an unknown
     *                                 type, names an unknown codec, or has a field out of its range
     *                                 (a KEY's down flag or keysym, a CURSOR's size or hotspot, a
     *                                 CURSOR_POSITION off its display, a WINDOW_SIZE of 0)
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
            case TYPE_POINTER:
                need(b, POINTER_BYTES - HEADER_BYTES, "POINTER", length);
                return new ViewerMessage.Pointer(b.getShort() & 0xffff, b.getShort() & 0xffff, b.get() & 0xff);
            case TYPE_KEY:
                return decodeKey(b, length);
            case TYPE_CURSOR:
                return decodeCursor(b, length);
            case TYPE_CURSOR_POSITION:
                return decodeCursorPosition(b, length);
            case TYPE_WINDOW_SIZE:
                need(b, WINDOW_SIZE_BYTES - HEADER_BYTES, "WINDOW_SIZE", length);
                int width = b.getShort() & 0xffff;
                int height = b.getShort() & 0xffff;
                if (width == 0 || height == 0) {
                    throw new ViewerProtocolException("WINDOW_SIZE of " + width + "x" + height + ": a window is at"
                            + " least 1x1");
                }
                return new ViewerMessage.WindowSize(width, height);
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
        // Flags came later in version 1: a config without them has none.
        int flags = b.hasRemaining() ? b.get() & 0xff : 0;
        // CONFIG carries no bit depth of its own: the codec string says it.
        int bitDepth = CodecStringDepth.bitDepth(codec, codecString);
        if (bitDepth != 8 && bitDepth != 10) {
            throw new ViewerProtocolException("CONFIG codec string " + codecString + " says " + bitDepth
                    + " bits per sample; streams are 8 or 10");
        }
        return new ViewerMessage.Config(new CodecConfig(codec, encoder, width, height, bitDepth, codecString, sets),
                flags);
    }

    private static ViewerMessage decodeKey(ByteBuffer b, int length) {
        need(b, KEY_BYTES - HEADER_BYTES, "KEY", length);
        int down = b.get() & 0xff;
        if (down > 1) {
            throw new ViewerProtocolException("KEY down is " + down + ", not 0 (up) or 1 (down)");
        }
        int keysym = b.getInt();
        checkKeysym(keysym, ViewerProtocolException::new);
        return new ViewerMessage.Key(keysym, down == 1);
    }

    private static ViewerMessage decodeCursor(ByteBuffer b, int length) {
        need(b, CURSOR_HEADER_BYTES - HEADER_BYTES, "CURSOR header", length);
        int hotspotX = b.getShort() & 0xffff;
        int hotspotY = b.getShort() & 0xffff;
        int width = b.getShort() & 0xffff;
        int height = b.getShort() & 0xffff;
        if (width > MAX_CURSOR_SIDE || height > MAX_CURSOR_SIDE || (width == 0) != (height == 0)) {
            throw new ViewerProtocolException("CURSOR of " + width + "x" + height + ": a cursor is 0x0 (hidden) or"
                    + " 1x1 to " + MAX_CURSOR_SIDE + "x" + MAX_CURSOR_SIDE);
        }
        if (width == 0 ? hotspotX != 0 || hotspotY != 0 : hotspotX >= width || hotspotY >= height) {
            throw new ViewerProtocolException("CURSOR hotspot " + hotspotX + "," + hotspotY + " is outside its "
                    + width + "x" + height + " picture");
        }
        need(b, width * height * 4, "CURSOR pixels", length);
        int[] argb = new int[width * height];
        for (int i = 0; i < argb.length; i++) {
            int rgba = b.getInt();
            argb[i] = rgba >>> 8 | rgba << 24;
        }
        return new ViewerMessage.Cursor(new CursorImage(hotspotX, hotspotY, width, height, argb));
    }

    private static ViewerMessage decodeCursorPosition(ByteBuffer b, int length) {
        need(b, CURSOR_POSITION_BYTES - HEADER_BYTES, "CURSOR_POSITION", length);
        int x = b.getShort() & 0xffff;
        int y = b.getShort() & 0xffff;
        int width = b.getShort() & 0xffff;
        int height = b.getShort() & 0xffff;
        if (width == 0 || height == 0 || x >= width || y >= height) {
            throw new ViewerProtocolException("CURSOR_POSITION " + x + "," + y + " is not on its " + width + "x"
                    + height + " display");
        }
        return new ViewerMessage.CursorPosition(new CursorPosition(x, y, width, height));
    }

    private static <E extends RuntimeException> void checkKeysym(int keysym,
                                                                 java.util.function.Function<String, E> error) {
        if (keysym < 1 || keysym > MAX_KEYSYM) {
            throw error.apply("keysym 0x" + Integer.toHexString(keysym) + " is not an X11 keysym (1..0x"
                    + Integer.toHexString(MAX_KEYSYM) + ")");
        }
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
