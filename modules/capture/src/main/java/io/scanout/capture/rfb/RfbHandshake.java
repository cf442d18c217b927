package io.scanout.capture.rfb;

import io.scanout.core.PlaneLayout;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The RFB handshake (RFC 6143 §7.1–7.3): ProtocolVersion (3.3, 3.7 or 3.8), security (None or VNC
 * Authentication), ClientInit and ServerInit. Blocking, on the connection's thread.
 */
final class RfbHandshake {
    static final int SECURITY_INVALID = 0;
    static final int SECURITY_NONE = 1;
    static final int SECURITY_VNC = 2;
    /** Reasons and desktop names are a line or two; more than this is not text a server means. */
    static final int MAX_TEXT = 64 * 1024;

    /**
     * What the server said about its display.
     *
     * @param minorVersion 3, 7 or 8: the protocol version both sides use
     */
    record ServerInit(int width, int height, PixelFormat format, String name, int minorVersion) {
    }

    private RfbHandshake() {
    }

    static ServerInit perform(WireIn in, DataOutputStream out, Optional<String> password, boolean shared)
            throws IOException {
        int minor = version(in, out);
        int security = security(in, out, minor, password);
        if (security == SECURITY_VNC) {
            byte[] challenge = new byte[VncAuth.CHALLENGE_BYTES];
            in.readFully(challenge, 0, challenge.length);
            out.write(VncAuth.response(password.orElseThrow(), challenge));
            out.flush();
        }
        if (security == SECURITY_VNC || minor == 8) {
            long result = in.u32();
            if (result != 0) {
                String reason = minor == 8 ? ": " + in.string(MAX_TEXT, "the server's reason") : "";
                throw new RfbAuthenticationException("the VNC server refused "
                        + (security == SECURITY_VNC ? "the password" : "the connection")
                        + " (SecurityResult " + result + ")" + reason);
            }
        }
        out.writeByte(shared ? 1 : 0);
        out.flush();
        int width = in.u16();
        int height = in.u16();
        PixelFormat format = PixelFormat.read(in);
        String name = in.string(MAX_TEXT, "the desktop name");
        if (width < 1 || height < 1 || width > PlaneLayout.MAX_DIMENSION || height > PlaneLayout.MAX_DIMENSION) {
            throw new RfbProtocolException("the server's desktop of " + width + "x" + height + " is outside 1x1.."
                    + PlaneLayout.MAX_DIMENSION + "x" + PlaneLayout.MAX_DIMENSION);
        }
        format.checkReadable("the server's");
        return new ServerInit(width, height, format, name, minor);
    }

    /** Reads the server's version, answers with the highest both know, and returns its minor number. */
    private static int version(WireIn in, DataOutputStream out) throws IOException {
        byte[] greeting = new byte[12];
        in.readFully(greeting, 0, greeting.length);
        String text = new String(greeting, StandardCharsets.ISO_8859_1);
        if (!text.matches("RFB \\d{3}\\.\\d{3}\n")) {
            throw new RfbProtocolException("not an RFB server: it greeted with '" + printable(text) + "'");
        }
        int major = Integer.parseInt(text.substring(4, 7));
        int minor = Integer.parseInt(text.substring(8, 11));
        if (major < 3) {
            throw RfbProtocolException.fatal("the server speaks RFB " + major + "." + minor
                    + "; this client needs 3.3 or later");
        }
        // 3.5 was never released and is read as 3.3; Apple's 3.889 and anything newer speak 3.8.
        int chosen = major > 3 || minor >= 8 ? 8 : minor == 7 ? 7 : 3;
        out.write(("RFB 003.00" + chosen + "\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return chosen;
    }

    private static int security(WireIn in, DataOutputStream out, int minor, Optional<String> password)
            throws IOException {
        if (minor == 3) {
            long type = in.u32();
            if (type == SECURITY_INVALID) {
                throw new RfbProtocolException("the VNC server refused the connection: "
                        + in.string(MAX_TEXT, "the server's reason"));
            }
            if (type != SECURITY_NONE && type != SECURITY_VNC) {
                throw new RfbAuthenticationException("the VNC server (RFB 3.3) demands security type " + type
                        + "; this client speaks None (1) and VNC Authentication (2)");
            }
            if (type == SECURITY_VNC && password.isEmpty()) {
                throw missingPassword();
            }
            return (int) type;
        }
        int count = in.u8();
        if (count == 0) {
            throw new RfbProtocolException("the VNC server refused the connection: "
                    + in.string(MAX_TEXT, "the server's reason"));
        }
        List<Integer> offered = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            offered.add(in.u8());
        }
        int chosen;
        if (password.isPresent() && offered.contains(SECURITY_VNC)) {
            chosen = SECURITY_VNC;
        } else if (offered.contains(SECURITY_NONE)) {
            chosen = SECURITY_NONE;
        } else if (offered.contains(SECURITY_VNC)) {
            throw missingPassword();
        } else {
            throw new RfbAuthenticationException("the VNC server offers security types " + offered
                    + "; this client speaks None (1) and VNC Authentication (2)");
        }
        out.writeByte(chosen);
        out.flush();
        return chosen;
    }

    private static RfbAuthenticationException missingPassword() {
        return new RfbAuthenticationException("the VNC server asks for a password (VNC Authentication) and the"
                + " source URI gives none: add ?password=…");
    }

    private static String printable(String text) {
        StringBuilder s = new StringBuilder();
        for (char c : text.toCharArray()) {
            s.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return s.toString();
    }
}
