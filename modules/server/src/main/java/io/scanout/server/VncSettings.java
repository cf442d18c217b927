package io.scanout.server;

import io.scanout.server.cli.BindAddress;
import java.util.Optional;

/**
 * The RFB (VNC) server: where it listens over TCP, the VNC password, and which stream it shows.
 * The WebSocket form, {@code /streams/{id}/rfb}, is always there on the HTTP server and uses the
 * same password. {@link #toString()} never shows the password.
 *
 * @param bind     TCP address for VNC clients; empty: no TCP server
 * @param password VNC Authentication password; empty: clients on loopback only (security type None)
 * @param stream   the stream TCP clients watch; empty: the first stream
 */
public record VncSettings(Optional<BindAddress> bind, Optional<String> password, Optional<String> stream) {
    public VncSettings {
        if (bind == null || password == null || stream == null) {
            throw new IllegalArgumentException("bind, password and stream are required (Optional.empty() for none)");
        }
        if (password.isPresent() && password.get().isEmpty()) {
            throw new IllegalArgumentException("the VNC password is empty; leave it unset for loopback-only access");
        }
    }

    /** No TCP server, no password. */
    public static VncSettings none() {
        return new VncSettings(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Where VNC listens when no address is given. */
    public static final String DEFAULT_BIND = "127.0.0.1:5900";

    /** Parses {@code --vnc-bind}: {@code HOST:PORT}, or {@code PORT} / {@code :PORT} alone on 127.0.0.1. */
    public static BindAddress parseBind(String value) {
        if (value != null && !value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            return BindAddress.parse("127.0.0.1:" + value);
        }
        if (value != null && value.startsWith(":")) {
            return BindAddress.parse("127.0.0.1" + value);
        }
        return BindAddress.parse(value);
    }

    @Override
    public String toString() {
        return "VncSettings[bind " + bind.map(Object::toString).orElse("off") + ", password "
                + (password.isPresent() ? "set" : "unset") + ", stream " + stream.orElse("(first)") + "]";
    }
}
