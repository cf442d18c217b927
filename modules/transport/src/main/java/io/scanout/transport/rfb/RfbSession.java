package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.scanout.core.Rect;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.security.AuthThrottle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

/**
 * One RFB client, from the version handshake to the end (RFC 6143): security, ClientInit and
 * ServerInit, then the client's messages, each checked before it is acted on. Pictures and video
 * go out through {@link RfbUpdates}.
 *
 * <p>The same code serves TCP and WebSocket clients; only the {@link RfbWire} differs. Everything
 * runs on one serial {@link Scheduler.Worker} per session, so the state here needs no locks: the
 * event loop hands over copies of the bytes it read ({@link #received}) and returns at once.
 * Anything wrong a client says ends this session alone, with one log line naming the client and
 * the reason.
 */
final class RfbSession {
    private static final Logger log = LoggerFactory.getLogger(RfbSession.class);
    static final int MAX_ENCODINGS = 1024;
    /** Clipboard text is skipped unread; past this much it is not clipboard text. */
    static final long MAX_CUT_TEXT = 1 << 20;

    static final int SECURITY_NONE = 1;
    static final int SECURITY_VNC = 2;
    static final int SECURITY_VENCRYPT = 19;
    static final int VENCRYPT_TLS_NONE = 257;
    static final int VENCRYPT_TLS_VNC = 258;
    static final int VENCRYPT_X509_NONE = 260;
    static final int VENCRYPT_X509_VNC = 261;
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum Phase { VERSION, SECURITY, VENCRYPT_VERSION, VENCRYPT_SUBTYPE, VNC_AUTH, CLIENT_INIT, NORMAL, CLOSED }

    private final StreamEndpoint stream;
    private final RfbSecurity security;
    private final RfbDmaBufCopies copies;
    private final RfbWire wire;
    private final Scheduler.Worker worker;
    private final InboundBytes inbound = new InboundBytes();
    private final String client;
    /** The client's address, which the throttle of wrong passwords counts by; null if unknown. */
    private final InetAddress clientAddress;
    private final boolean trusted;
    private Phase phase = Phase.VERSION;
    private int minor;
    private List<Integer> offered = List.of();
    private byte[] challenge;
    private RfbUpdates updates;

    RfbSession(StreamEndpoint stream, RfbSecurity security, RfbDmaBufCopies copies, RfbWire wire,
               Scheduler.Worker worker) {
        this.stream = stream;
        this.security = security;
        this.copies = copies;
        this.wire = wire;
        this.worker = worker;
        this.client = wire.describe();
        InetSocketAddress address = wire.remoteAddress();
        this.clientAddress = address == null ? null : address.getAddress();
        this.trusted = clientAddress != null && security.trusted().test(clientAddress);
    }

    /** Greets the client. Any thread. */
    void start() {
        worker.schedule(() -> {
            log.info("RFB client {} connected to stream {}", client, stream.hub().streamId());
            send(Unpooled.wrappedBuffer("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)));
        });
    }

    /** Bytes the client sent, copied off the event loop's buffer. Any thread; does not block. */
    void received(byte[] bytes) {
        later(() -> {
            if (phase == Phase.CLOSED) {
                return;
            }
            try {
                inbound.append(bytes);
                parse();
            } catch (RfbProtocolException e) {
                fail(e.getMessage());
            } catch (RuntimeException e) {
                log.warn("RFB client {}: session failed: {}", client, e.toString(), e);
                end();
            }
        });
    }

    /** The transport saw something that is not RFB (a text WebSocket message). Any thread. */
    void protocolError(String what) {
        later(() -> fail(what));
    }

    /** The connection is gone. Any thread; idempotent. */
    void disconnected() {
        later(() -> {
            if (phase != Phase.CLOSED) {
                log.info("RFB client {} disconnected from stream {}", client, stream.hub().streamId());
                end();
            }
            worker.dispose();
        });
    }

    /** Runs a task on the session's worker; once the session is over, tasks are dropped. */
    private void later(Runnable task) {
        try {
            worker.schedule(task);
        } catch (RejectedExecutionException e) {
            log.trace("RFB client {}: session over, task dropped", client);
        }
    }

    private void parse() throws RfbProtocolException {
        while (phase != Phase.CLOSED && !inbound.isSkipping() && step()) {
            // one whole message handled; look for the next
        }
    }

    /** Handles one message if all of it is here; false when more bytes are needed. */
    private boolean step() throws RfbProtocolException {
        switch (phase) {
            case VERSION:
                return version();
            case SECURITY:
                return securityChoice();
            case VENCRYPT_VERSION:
                return vencryptVersion();
            case VENCRYPT_SUBTYPE:
                return vencryptSubtype();
            case VNC_AUTH:
                return vncAuthResponse();
            case CLIENT_INIT:
                return clientInit();
            case NORMAL:
                return message();
            default:
                return false;
        }
    }

    // ---- handshake (RFC 6143 §7.1, §7.2) ----

    private boolean version() throws RfbProtocolException {
        if (inbound.available() < 12) {
            return false;
        }
        ByteBuffer b = inbound.take(12);
        byte[] greeting = new byte[12];
        b.get(greeting);
        String text = new String(greeting, StandardCharsets.ISO_8859_1);
        if (!text.matches("RFB 003\\.00[378]\n")) {
            throw new RfbProtocolException("the client's ProtocolVersion '" + printable(text)
                    + "' is not RFB 3.3, 3.7 or 3.8");
        }
        minor = text.charAt(10) - '0';
        offered = securityTypes();
        if (offered.isEmpty()) {
            refuse("security type None is allowed only on loopback connections, and this server has no VNC password;"
                    + " set --vnc-password (or SCANOUT_VNC_PASSWORD) to let clients on other addresses in");
            return false;
        }
        if (minor == 3) {
            // 3.3: the server picks, None or VNC Authentication only.
            int type = offered.contains(SECURITY_VNC) ? SECURITY_VNC : SECURITY_NONE;
            if (!offered.contains(type)) {
                refuse("an RFB 3.3 client can use only None or VNC Authentication, and neither is allowed for it here");
                return false;
            }
            send(Unpooled.buffer(4).writeInt(type));
            afterSecurityChosen(type);
            return true;
        }
        ByteBuf types = Unpooled.buffer(1 + offered.size());
        types.writeByte(offered.size());
        offered.forEach(types::writeByte);
        send(types);
        phase = Phase.SECURITY;
        return true;
    }

    /** What this client may use, best first; empty when nothing lets it in. */
    private List<Integer> securityTypes() {
        List<Integer> types = new ArrayList<>();
        if (security.tls().isPresent() && wire.canStartTls() && !vencryptSubtypes().isEmpty()) {
            types.add(SECURITY_VENCRYPT);
        }
        if (security.password().isPresent()) {
            types.add(SECURITY_VNC);
        } else if (trusted) {
            types.add(SECURITY_NONE);
        }
        return types;
    }

    private List<Integer> vencryptSubtypes() {
        if (security.password().isPresent()) {
            return List.of(VENCRYPT_X509_VNC, VENCRYPT_TLS_VNC);
        }
        return trusted ? List.of(VENCRYPT_X509_NONE, VENCRYPT_TLS_NONE) : List.of();
    }

    /** Tells the client why it may not connect (in the form its version understands) and ends. */
    private void refuse(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.buffer(8 + text.length);
        if (minor == 3) {
            b.writeInt(0);
        } else {
            b.writeByte(0);
        }
        b.writeInt(text.length).writeBytes(text);
        send(b);
        fail("refused: " + reason);
    }

    private boolean securityChoice() throws RfbProtocolException {
        if (inbound.available() < 1) {
            return false;
        }
        int type = inbound.take(1).get() & 0xff;
        if (!offered.contains(type)) {
            securityFailed("security type " + type + " was not offered (offered: " + offered + ")");
            return false;
        }
        afterSecurityChosen(type);
        return true;
    }

    private void afterSecurityChosen(int type) {
        switch (type) {
            case SECURITY_VENCRYPT:
                send(Unpooled.wrappedBuffer(new byte[] {0, 2}));
                phase = Phase.VENCRYPT_VERSION;
                break;
            case SECURITY_VNC:
                sendChallenge();
                break;
            default:
                securityPassed();
        }
    }

    private void sendChallenge() {
        challenge = new byte[VncPassword.CHALLENGE_BYTES];
        RANDOM.nextBytes(challenge);
        send(Unpooled.wrappedBuffer(challenge.clone()));
        phase = Phase.VNC_AUTH;
    }

    private boolean vencryptVersion() throws RfbProtocolException {
        if (inbound.available() < 2) {
            return false;
        }
        ByteBuffer b = inbound.take(2);
        int major = b.get() & 0xff;
        int minorVersion = b.get() & 0xff;
        if (major != 0 || minorVersion != 2) {
            send(Unpooled.wrappedBuffer(new byte[] {1}));
            fail("VeNCrypt version " + major + "." + minorVersion + " asked; this server speaks 0.2");
            return false;
        }
        List<Integer> subtypes = vencryptSubtypes();
        ByteBuf b2 = Unpooled.buffer(2 + 4 * subtypes.size());
        b2.writeByte(0).writeByte(subtypes.size());
        subtypes.forEach(b2::writeInt);
        send(b2);
        phase = Phase.VENCRYPT_SUBTYPE;
        return true;
    }

    private boolean vencryptSubtype() throws RfbProtocolException {
        if (inbound.available() < 4) {
            return false;
        }
        int subtype = inbound.take(4).getInt();
        if (!vencryptSubtypes().contains(subtype)) {
            send(Unpooled.wrappedBuffer(new byte[] {0}));
            fail("VeNCrypt subtype " + subtype + " was not offered (offered: " + vencryptSubtypes() + ")");
            return false;
        }
        if (inbound.available() > 0) {
            throw new RfbProtocolException("the client sent bytes before the TLS handshake of VeNCrypt");
        }
        wire.startTls(Unpooled.wrappedBuffer(new byte[] {1}), security.tls().orElseThrow());
        if (subtype == VENCRYPT_X509_VNC || subtype == VENCRYPT_TLS_VNC) {
            // Sent after the ack, so it goes inside TLS (writes keep their order).
            sendChallenge();
        } else {
            securityPassed();
        }
        return true;
    }

    private boolean vncAuthResponse() throws RfbProtocolException {
        if (inbound.available() < VncPassword.CHALLENGE_BYTES) {
            return false;
        }
        byte[] response = new byte[VncPassword.CHALLENGE_BYTES];
        inbound.take(response.length).get(response);
        AuthThrottle throttle = security.throttle();
        long wait = throttle.retryAfterSeconds(clientAddress, AuthThrottle.Protocol.RFB);
        if (wait > 0) {
            // Refused unchecked. The throttle logged when the block began; one line per attempt would flood.
            securityFailed("too many authentication failures, try again in " + wait + " s", false);
            return false;
        }
        byte[] expected = VncPassword.response(security.password().orElseThrow(), challenge);
        if (!MessageDigest.isEqual(expected, response)) {
            throttle.failed(clientAddress, AuthThrottle.Protocol.RFB);
            securityFailed("wrong VNC password");
            return false;
        }
        throttle.succeeded(clientAddress);
        securityPassed();
        return true;
    }

    private void securityPassed() {
        if (minor == 8 || phase == Phase.VNC_AUTH || phase == Phase.VENCRYPT_SUBTYPE) {
            send(Unpooled.buffer(4).writeInt(0));
        }
        phase = Phase.CLIENT_INIT;
    }

    private void securityFailed(String reason) {
        securityFailed(reason, true);
    }

    /** SecurityResult failed (with the reason for 3.8; RFC 6143 §7.1.3), then the end; logged at WARN when loud. */
    private void securityFailed(String reason, boolean loud) {
        ByteBuf b = Unpooled.buffer(64);
        b.writeInt(1);
        if (minor == 8) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            b.writeInt(text.length).writeBytes(text);
        }
        send(b);
        if (loud) {
            fail(reason);
        } else {
            log.debug("RFB client {} on stream {}: {}; closing that connection", client, stream.hub().streamId(), reason);
            end();
        }
    }

    private boolean clientInit() {
        if (inbound.available() < 1) {
            return false;
        }
        inbound.take(1); // the shared flag: every client shares the stream
        updates = new RfbUpdates(stream, copies, wire, worker, client, this::fail);
        byte[] name = stream.hub().streamId().getBytes(StandardCharsets.UTF_8);
        ByteBuf init = Unpooled.buffer(24 + name.length);
        init.writeShort(updates.clientWidth()).writeShort(updates.clientHeight());
        ByteBuffer format = ByteBuffer.allocate(PixelFormat.WIRE_BYTES);
        PixelFormat.SERVER.write(format);
        init.writeBytes(format.array());
        init.writeInt(name.length).writeBytes(name);
        send(init);
        phase = Phase.NORMAL;
        log.debug("RFB client {} authenticated on stream {} ({}x{})", client, stream.hub().streamId(),
                updates.clientWidth(), updates.clientHeight());
        return true;
    }

    // ---- client messages (RFC 6143 §7.5) ----

    private boolean message() throws RfbProtocolException {
        if (inbound.available() < 1) {
            return false;
        }
        int type = inbound.peek(0);
        switch (type) {
            case 0: // SetPixelFormat
                if (inbound.available() < 4 + PixelFormat.WIRE_BYTES) {
                    return false;
                }
                ByteBuffer pf = inbound.take(4 + PixelFormat.WIRE_BYTES);
                pf.position(4);
                updates.pixelFormat(PixelFormat.read(pf));
                return true;
            case 2: { // SetEncodings
                if (inbound.available() < 4) {
                    return false;
                }
                int count = inbound.peek(2) << 8 | inbound.peek(3);
                if (count > MAX_ENCODINGS) {
                    throw new RfbProtocolException("SetEncodings lists " + count + " encodings (at most "
                            + MAX_ENCODINGS + ")");
                }
                if (inbound.available() < 4 + 4 * count) {
                    return false;
                }
                ByteBuffer e = inbound.take(4 + 4 * count);
                e.position(4);
                List<Integer> encodings = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    encodings.add(e.getInt());
                }
                updates.encodings(encodings);
                return true;
            }
            case 3: { // FramebufferUpdateRequest
                if (inbound.available() < 10) {
                    return false;
                }
                ByteBuffer r = inbound.take(10);
                r.position(1);
                boolean incremental = r.get() != 0;
                Rect area = new Rect(r.getShort() & 0xffff, r.getShort() & 0xffff, r.getShort() & 0xffff,
                        r.getShort() & 0xffff);
                updates.request(incremental, area);
                return true;
            }
            case 4: { // KeyEvent
                if (inbound.available() < 8) {
                    return false;
                }
                ByteBuffer k = inbound.take(8);
                boolean down = k.get(1) != 0;
                int keysym = k.getInt(4);
                updates.input().ifPresent(input -> input.key(keysym, down));
                return true;
            }
            case 5: { // PointerEvent
                if (inbound.available() < 6) {
                    return false;
                }
                ByteBuffer p = inbound.take(6);
                int buttons = p.get(1) & 0xff;
                int x = p.getShort(2) & 0xffff;
                int y = p.getShort(4) & 0xffff;
                updates.input().ifPresent(input -> input.pointer(x, y, buttons));
                return true;
            }
            case 6: { // ClientCutText: bounded, skipped
                if (inbound.available() < 8) {
                    return false;
                }
                long length = inbound.take(8).getInt(4) & 0xffffffffL;
                if (length > MAX_CUT_TEXT) {
                    throw new RfbProtocolException("ClientCutText of " + length + " bytes (at most " + MAX_CUT_TEXT
                            + ")");
                }
                inbound.skip(length);
                return true;
            }
            default:
                throw new RfbProtocolException("message type " + type + ", which this server does not know"
                        + " (it announced no extensions)");
        }
    }

    private void send(ByteBuf buf) {
        wire.write(buf);
    }

    private static String printable(String text) {
        StringBuilder s = new StringBuilder();
        for (char c : text.toCharArray()) {
            s.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return s.toString();
    }

    /** Ends the session for a reason the client caused: logged once, this connection closed. */
    private void fail(String reason) {
        log.warn("RFB client {} on stream {}: {}; closing that connection", client, stream.hub().streamId(), reason);
        end();
    }

    private void end() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        if (updates != null) {
            updates.close();
        }
        wire.close();
    }
}
