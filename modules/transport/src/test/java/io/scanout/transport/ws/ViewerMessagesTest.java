package io.scanout.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ViewerMessagesTest {
    private static final CodecConfig CONFIG = new CodecConfig(Codec.H264, "libx264", 1920, 1080, 8, "avc1.640028",
            new byte[] {0, 0, 0, 1, 0x67, 0x64, 0, 0x28, 0, 0, 0, 1, 0x68, (byte) 0xEE});

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void configRoundTripsAndIsLaidOutAsDocumented() {
        ByteBuffer encoded = ViewerMessages.encodeConfig(CONFIG);
        ViewerMessage decoded = ViewerMessages.decode(encoded);
        assertThat(decoded).isEqualTo(new ViewerMessage.Config(CONFIG));

        // docs/protocol.md, byte by byte, big-endian.
        byte[] b = bytes(encoded);
        assertThat(b[0]).isEqualTo((byte) 1);
        assertThat(b[1]).isEqualTo((byte) 1);
        assertThat(b[2]).isEqualTo((byte) Codec.H264.wireId());
        assertThat(((b[3] & 0xff) << 8) | (b[4] & 0xff)).isEqualTo(1920);
        assertThat(((b[5] & 0xff) << 8) | (b[6] & 0xff)).isEqualTo(1080);
        assertThat(b[7]).isEqualTo((byte) 11);
        assertThat(new String(b, 8, 11, StandardCharsets.US_ASCII)).isEqualTo("avc1.640028");
        assertThat(b[19]).isEqualTo((byte) 7);
        assertThat(new String(b, 20, 7, StandardCharsets.US_ASCII)).isEqualTo("libx264");
        assertThat(ByteBuffer.wrap(b, 27, 4).getInt()).isEqualTo(14);
        assertThat(b).hasSize(31 + 14);
    }

    @Test
    void aTenBitConfigRoundTripsWithItsDepthReadFromTheCodecString() {
        CodecConfig main10 = new CodecConfig(Codec.HEVC, "libx265", 1280, 720, 10, "hev1.2.4.L120.B0", new byte[0]);
        assertThat(ViewerMessages.decode(ViewerMessages.encodeConfig(main10)))
                .isEqualTo(new ViewerMessage.Config(main10));

        CodecConfig twelveBits = new CodecConfig(Codec.VP9, "x", 64, 48, 10, "vp09.02.10.12", new byte[0]);
        assertThatThrownBy(() -> ViewerMessages.decode(ViewerMessages.encodeConfig(twelveBits)))
                .isInstanceOf(ViewerProtocolException.class)
                .hasMessage("CONFIG codec string vp09.02.10.12 says 12 bits per sample; streams are 8 or 10");
    }

    @Test
    void packetRoundTripsWithThePayloadAsTheRest() {
        byte[] payload = {0, 0, 0, 1, 0x65, 1, 2, 3};
        EncodedPacket packet = new EncodedPacket(CONFIG, payload, 123_456, true, 42, 0);
        ByteBuffer encoded = ViewerMessages.encodePacket(packet, 1_700_000_000_000_001L, 1_700_000_000_000_777L);
        assertThat(encoded.remaining()).isEqualTo(ViewerMessages.PACKET_HEADER_BYTES + payload.length);
        ViewerMessage.Packet decoded = (ViewerMessage.Packet) ViewerMessages.decode(encoded);
        assertThat(decoded.keyframe()).isTrue();
        assertThat(decoded.sequence()).isEqualTo(42);
        assertThat(decoded.ptsMicros()).isEqualTo(123_456);
        assertThat(decoded.captureEpochMicros()).isEqualTo(1_700_000_000_000_001L);
        assertThat(decoded.sendEpochMicros()).isEqualTo(1_700_000_000_000_777L);
        assertThat(bytes(decoded.payload())).isEqualTo(payload);
        assertThat(decoded.payload().isReadOnly()).isTrue();
        assertThat(encoded.position()).as("decode leaves the caller's buffer alone").isZero();

        byte[] b = bytes(encoded);
        assertThat(b[2]).isEqualTo((byte) ViewerMessages.FLAG_KEYFRAME);
        assertThat(ByteBuffer.wrap(b, 3, 8).getLong()).isEqualTo(42);

        EncodedPacket delta = new EncodedPacket(CONFIG, new byte[0], 0, false, 43, 0);
        ViewerMessage.Packet empty = (ViewerMessage.Packet) ViewerMessages.decode(
                ViewerMessages.encodePacket(delta, 0, 0));
        assertThat(empty.keyframe()).isFalse();
        assertThat(empty.payload().remaining()).isZero();
    }

    @Test
    void theHeaderAloneIsThePacketsFirstBytes() {
        EncodedPacket packet = new EncodedPacket(CONFIG, new byte[] {9, 8, 7}, 5, false, 6, 0);
        ByteBuffer header = ViewerMessages.encodePacketHeader(packet, 10, 11);
        ByteBuffer whole = ViewerMessages.encodePacket(packet, 10, 11);
        assertThat(header.remaining()).isEqualTo(ViewerMessages.PACKET_HEADER_BYTES);
        assertThat(header).isEqualTo(whole.duplicate().limit(ViewerMessages.PACKET_HEADER_BYTES));
    }

    @Test
    void pingAndPongRoundTrip() {
        double t = 1_700_000_000_123.456;
        assertThat(ViewerMessages.decode(ViewerMessages.encodePing(t))).isEqualTo(new ViewerMessage.Ping(t));
        assertThat(ViewerMessages.encodePing(t).remaining()).isEqualTo(10);
        assertThat(ViewerMessages.decode(ViewerMessages.encodePong(t, 99L)))
                .isEqualTo(new ViewerMessage.Pong(t, 99L));
        assertThat(ViewerMessages.encodePong(t, 99L).remaining()).isEqualTo(18);
    }

    @Test
    void everyTruncationOfEveryMessageIsAClearError() {
        EncodedPacket packet = new EncodedPacket(CONFIG, new byte[] {1}, 5, false, 6, 0);
        ByteBuffer[] messages = {ViewerMessages.encodeConfig(CONFIG), ViewerMessages.encodePing(1.5),
                ViewerMessages.encodePong(1.5, 2), ViewerMessages.encodePacketHeader(packet, 1, 2)};
        for (ByteBuffer message : messages) {
            for (int n = 0; n < message.remaining(); n++) {
                ByteBuffer cut = message.duplicate().limit(n);
                if (message.get(0) == ViewerMessages.TYPE_PACKET && n == message.remaining()) {
                    continue;
                }
                int length = n;
                assertThatThrownBy(() -> ViewerMessages.decode(cut))
                        .as("type %d cut to %d bytes", message.get(0), n)
                        .isInstanceOf(ViewerProtocolException.class)
                        .hasMessageContaining("truncated")
                        .hasMessageContaining("the message has " + length);
            }
        }
    }

    @Test
    void unknownTypesVersionsAndCodecsAreRejectedByName() {
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(new byte[] {42, 1, 0})))
                .isInstanceOf(ViewerProtocolException.class).hasMessage("unknown message type 42 (3 bytes)");
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(new byte[] {3, 2, 0, 0, 0, 0, 0, 0, 0, 0})))
                .isInstanceOf(ViewerProtocolException.class)
                .hasMessageContaining("protocol version 2 is not supported (this side speaks 1)");
        byte[] config = bytes(ViewerMessages.encodeConfig(CONFIG));
        config[2] = 77;
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(config)))
                .isInstanceOf(ViewerProtocolException.class).hasMessage("unknown codec id 77");
    }

    @Test
    void aParameterSetLengthPastTheEndIsRejected() {
        byte[] config = bytes(ViewerMessages.encodeConfig(CONFIG));
        ByteBuffer.wrap(config).putInt(27, 0x7fff_fff0);
        assertThatThrownBy(() -> ViewerMessages.decode(ByteBuffer.wrap(config)))
                .isInstanceOf(ViewerProtocolException.class)
                .hasMessage("message truncated: CONFIG says 2147483632 bytes of parameter sets but only 14 remain;"
                        + " the message has 45");
    }

    @Test
    void trailingBytesAfterKnownFieldsAreIgnored() {
        ByteBuffer ping = ByteBuffer.allocate(ViewerMessages.PING_BYTES + 3).put(ViewerMessages.encodePing(7.0));
        ping.flip().limit(ping.capacity());
        assertThat(ViewerMessages.decode(ping)).isEqualTo(new ViewerMessage.Ping(7.0));
    }

    @Test
    void whatDoesNotFitTheFieldsCannotBeEncoded() {
        CodecConfig wide = new CodecConfig(Codec.H264, "x", 70_000, 10, 8, "avc1", new byte[0]);
        assertThatThrownBy(() -> ViewerMessages.encodeConfig(wide)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("width 70000 does not fit the protocol's u16 (0..65535)");
        CodecConfig nonAscii = new CodecConfig(Codec.H264, "encodé", 10, 10, 8, "avc1", new byte[0]);
        assertThatThrownBy(() -> ViewerMessages.encodeConfig(nonAscii)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder name 'encodé' is not ASCII");
        CodecConfig longName = new CodecConfig(Codec.H264, "e".repeat(256), 10, 10, 8, "avc1", new byte[0]);
        assertThatThrownBy(() -> ViewerMessages.encodeConfig(longName)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoder name is 256 characters, the protocol allows 255");
    }

    @Test
    void everyCodecHasItsWireId() {
        for (Codec codec : Codec.values()) {
            assertThat(ViewerMessages.codecOf(codec.wireId())).isSameAs(codec);
        }
    }
}
