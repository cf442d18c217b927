package io.scanout.server.cli;

/**
 * Where the server listens: {@code HOST:PORT} ({@code [::1]:8080} for IPv6), port 0 for any free port.
 */
public record BindAddress(String host, int port) {
    public static BindAddress parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("a bind address is HOST:PORT, e.g. 127.0.0.1:8080, not '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port in '" + value + "' is not a number", e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in '" + value + "' is outside 0..65535");
        }
        return new BindAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
