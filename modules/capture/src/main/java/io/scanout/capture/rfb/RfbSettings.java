package io.scanout.capture.rfb;

import io.scanout.capture.SourceUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a VNC source connects to and how:
 * {@code vnc://HOST[:PORT][?password=…&shared=1&fps=N&cursor=0&encodings=zrle,raw&format=bgrx&timeout=S&jpeg=Q]}.
 *
 * <ul>
 *   <li>{@code password} — for VNC Authentication; without it only security type None is offered.</li>
 *   <li>{@code shared} — {@code 1} (default) leaves other viewers of the server connected; {@code 0} asks
 *       the server to disconnect them.</li>
 *   <li>{@code fps} — most updates asked for per second, {@value #MIN_FPS}..{@value #MAX_FPS}, default 60.</li>
 *   <li>{@code cursor} — {@code 1} asks the server for the pointer's shape as its own event
 *       ({@link RfbSource#cursorImages()}) and leaves it out of the frames; {@code 0} (default) lets the
 *       server draw it into the frames, which is what a viewer that does not draw cursors needs.</li>
 *   <li>{@code encodings} — the encodings asked for, in order of preference (default
 *       {@code copyrect,zrle,tight,hextile,rre,raw}; with {@code jpeg},
 *       {@code copyrect,tight,zrle,hextile,rre,raw}).</li>
 *   <li>{@code jpeg} — a Tight JPEG quality level, 0..{@value Encodings#MAX_JPEG_QUALITY}, which lets a Tight
 *       server send lossy JPEG where it pays; without it (default) Tight is lossless. Needs {@code tight}
 *       in {@code encodings}.</li>
 *   <li>{@code format} — {@code bgrx} (default) asks the server for 32-bit little-endian BGRX
 *       ({@code XR24}); {@code server} keeps the server's own format when it has a DRM fourcc.</li>
 *   <li>{@code timeout} — seconds to connect and to wait for the rest of a message once it began,
 *       {@value #MIN_TIMEOUT}..{@value #MAX_TIMEOUT}, default 10.</li>
 * </ul>
 *
 * <p>{@link #toString()} masks the password.
 *
 * @param host          server host name or address
 * @param port          TCP port (5900 + display number for most servers)
 * @param password      the VNC password, if any (only its first 8 bytes count, as in every VNC server)
 * @param shared        the ClientInit shared flag
 * @param fps           most FramebufferUpdateRequests per second
 * @param cursor        whether to ask for the Cursor pseudo-encoding
 * @param encodings     RFB encoding numbers in order of preference
 * @param serverFormat  whether to keep the server's pixel format instead of asking for BGRX
 * @param timeoutMillis connect and read timeout
 * @param jpegQuality   the Tight JPEG quality level asked for, if any
 */
public record RfbSettings(String host, int port, Optional<String> password, boolean shared, int fps, boolean cursor,
                          List<Integer> encodings, boolean serverFormat, int timeoutMillis, OptionalInt jpegQuality) {
    public static final int DEFAULT_PORT = 5900;
    public static final int MIN_FPS = 1;
    public static final int MAX_FPS = 240;
    public static final int MIN_TIMEOUT = 1;
    public static final int MAX_TIMEOUT = 600;
    /** The parameters a vnc URI takes. */
    public static final Set<String> PARAMETERS = Set.of("password", "shared", "fps", "cursor", "encodings",
            "format", "timeout", "jpeg");

    /** @throws IllegalArgumentException naming the value and what it may be */
    public RfbSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a VNC source needs a host: vnc://HOST[:PORT]");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        if (fps < MIN_FPS || fps > MAX_FPS) {
            throw new IllegalArgumentException("frame rate " + fps + " is outside " + MIN_FPS + ".." + MAX_FPS);
        }
        if (encodings == null || encodings.isEmpty()) {
            throw new IllegalArgumentException("at least one encoding is needed (known: "
                    + String.join(", ", Encodings.NAMES) + ")");
        }
        if (timeoutMillis < MIN_TIMEOUT * 1000 || timeoutMillis > MAX_TIMEOUT * 1000) {
            throw new IllegalArgumentException("timeout " + timeoutMillis + " ms is outside " + MIN_TIMEOUT + ".."
                    + MAX_TIMEOUT + " s");
        }
        password = password == null ? Optional.empty() : password;
        encodings = List.copyOf(encodings);
        jpegQuality = jpegQuality == null ? OptionalInt.empty() : jpegQuality;
        if (jpegQuality.isPresent()) {
            int q = jpegQuality.getAsInt();
            if (q < 0 || q > Encodings.MAX_JPEG_QUALITY) {
                throw new IllegalArgumentException("JPEG quality " + q + " is outside 0.." + Encodings.MAX_JPEG_QUALITY);
            }
            if (!encodings.contains(Encodings.TIGHT)) {
                throw new IllegalArgumentException("JPEG quality " + q + " needs the tight encoding, which is not in "
                        + names(encodings));
            }
        }
    }

    /** Settings without a JPEG quality: lossless Tight. */
    public RfbSettings(String host, int port, Optional<String> password, boolean shared, int fps, boolean cursor,
                       List<Integer> encodings, boolean serverFormat, int timeoutMillis) {
        this(host, port, password, shared, fps, cursor, encodings, serverFormat, timeoutMillis, OptionalInt.empty());
    }

    /** Port 5900, no password, shared, 60 fps, no cursor encoding, the default encodings, BGRX, 10 s timeout. */
    public static RfbSettings of(String host, int port) {
        return new RfbSettings(host, port, Optional.empty(), true, 60, false,
                Encodings.parse(String.join(",", Encodings.NAMES)), false, 10_000);
    }

    public RfbSettings withPassword(String newPassword) {
        return new RfbSettings(host, port, Optional.ofNullable(newPassword), shared, fps, cursor, encodings,
                serverFormat, timeoutMillis, jpegQuality);
    }

    public RfbSettings withFps(int newFps) {
        return new RfbSettings(host, port, password, shared, newFps, cursor, encodings, serverFormat, timeoutMillis,
                jpegQuality);
    }

    public RfbSettings withCursor(boolean newCursor) {
        return new RfbSettings(host, port, password, shared, fps, newCursor, encodings, serverFormat, timeoutMillis,
                jpegQuality);
    }

    /** With these encodings, by name ({@code "zrle,raw"}). */
    public RfbSettings withEncodings(String names) {
        return new RfbSettings(host, port, password, shared, fps, cursor, Encodings.parse(names), serverFormat,
                timeoutMillis, jpegQuality);
    }

    public RfbSettings withServerFormat(boolean newServerFormat) {
        return new RfbSettings(host, port, password, shared, fps, cursor, encodings, newServerFormat, timeoutMillis,
                jpegQuality);
    }

    public RfbSettings withTimeoutMillis(int newTimeoutMillis) {
        return new RfbSettings(host, port, password, shared, fps, cursor, encodings, serverFormat, newTimeoutMillis,
                jpegQuality);
    }

    /** With a Tight JPEG quality level (0..9), or none: lossless. */
    public RfbSettings withJpegQuality(OptionalInt newJpegQuality) {
        return new RfbSettings(host, port, password, shared, fps, cursor, encodings, serverFormat, timeoutMillis,
                newJpegQuality);
    }

    /**
     * The settings a {@code vnc://} URI asks for.
     *
     * @throws IllegalArgumentException naming the URI and what is wrong in it
     */
    public static RfbSettings parse(SourceUri uri) {
        if (!uri.scheme().equals("vnc")) {
            throw new IllegalArgumentException("source URI '" + uri + "' is not a vnc: URI");
        }
        uri.requireKnownParams(PARAMETERS);
        try {
            String[] hostPort = hostAndPort(uri.target());
            int port = DEFAULT_PORT;
            if (hostPort[1] != null) {
                port = parsePort(hostPort[1]);
            }
            boolean serverFormat = false;
            String format = uri.param("format").orElse("bgrx").toLowerCase(Locale.ROOT);
            if (format.equals("server")) {
                serverFormat = true;
            } else if (!format.equals("bgrx")) {
                throw new IllegalArgumentException("parameter 'format' must be bgrx or server, not '" + format + "'");
            }
            OptionalInt jpeg = uri.param("jpeg").isPresent()
                    ? OptionalInt.of(uri.intParam("jpeg", 0, 0, Encodings.MAX_JPEG_QUALITY)) : OptionalInt.empty();
            // Asking for JPEG means wanting it used: Tight goes before the lossless ZRLE a server would pick first.
            String defaultEncodings = String.join(",", Encodings.NAMES);
            if (jpeg.isPresent()) {
                defaultEncodings = "copyrect,tight," + defaultEncodings.replace("copyrect,", "").replace("tight,", "");
            }
            return new RfbSettings(hostPort[0], port, uri.param("password"),
                    flag(uri, "shared", true), uri.intParam("fps", 60, MIN_FPS, MAX_FPS), flag(uri, "cursor", false),
                    Encodings.parse(uri.param("encodings").orElse(defaultEncodings)),
                    serverFormat, uri.intParam("timeout", 10, MIN_TIMEOUT, MAX_TIMEOUT) * 1000, jpeg);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.startsWith("source URI")
                    ? message : "source URI '" + uri + "': " + message, e);
        }
    }

    /** Splits {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; the port is null when absent. */
    private static String[] hostAndPort(String target) {
        String t = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        if (t.indexOf('@') >= 0) {
            throw new IllegalArgumentException("user info is not used by VNC; give the password as ?password=…");
        }
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("the IPv6 address in '" + t + "' has no closing ']'");
            }
            String rest = t.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("the target is HOST[:PORT], not '" + t + "'");
            }
            return new String[] {t.substring(1, close), rest.isEmpty() ? null : rest.substring(1)};
        }
        int colon = t.indexOf(':');
        if (colon != t.lastIndexOf(':')) {
            throw new IllegalArgumentException("write an IPv6 address in brackets, vnc://[::1]:5900, not '" + t + "'");
        }
        if (t.isEmpty() || colon == 0) {
            throw new IllegalArgumentException("a VNC source needs a host: vnc://HOST[:PORT], not '" + t + "'");
        }
        return colon < 0 ? new String[] {t, null} : new String[] {t.substring(0, colon), t.substring(colon + 1)};
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("port must be a number in 1..65535, not '" + text + "'");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        return port;
    }

    private static boolean flag(SourceUri uri, String name, boolean defaultValue) {
        Optional<String> value = uri.param(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().toLowerCase(Locale.ROOT)) {
            case "1": case "true": case "yes": case "":
                return true;
            case "0": case "false": case "no":
                return false;
            default:
                throw new IllegalArgumentException("parameter '" + name + "' must be 1 or 0, not '" + value.get() + "'");
        }
    }

    /** The URI these settings are written as, password masked. */
    public String toUri() {
        List<String> params = new ArrayList<>();
        password.ifPresent(p -> params.add("password=***"));
        params.add("shared=" + (shared ? 1 : 0));
        params.add("fps=" + fps);
        if (cursor) {
            params.add("cursor=1");
        }
        params.add("encodings=" + names(encodings));
        if (serverFormat) {
            params.add("format=server");
        }
        jpegQuality.ifPresent(q -> params.add("jpeg=" + q));
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "vnc://" + shownHost + ":" + port + "?" + String.join("&", params);
    }

    private static String names(List<Integer> encodings) {
        List<String> names = new ArrayList<>();
        for (int e : encodings) {
            names.add(Encodings.name(e).toLowerCase(Locale.ROOT));
        }
        return String.join(",", names);
    }

    @Override
    public String toString() {
        return "RfbSettings[" + toUri() + ", timeout " + timeoutMillis + " ms]";
    }
}
