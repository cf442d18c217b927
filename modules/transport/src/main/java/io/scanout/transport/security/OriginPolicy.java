package io.scanout.transport.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which pages may open a WebSocket to this server, by their {@code Origin} header (browsers always
 * send it; other clients usually do not, and are not checked — they are not the cross-site
 * threat). Default: only a page served by the host the request names in {@code Host}. Entries are
 * origins as browsers write them ({@code https://viewer.example.com}, {@code http://10.0.0.5:8080});
 * {@code *} allows any. Immutable.
 */
public final class OriginPolicy {
    public static final String ANY = "*";
    private final List<String> allowed;

    private OriginPolicy(List<String> allowed) {
        this.allowed = allowed;
    }

    /** Same host only. */
    public static OriginPolicy sameHost() {
        return new OriginPolicy(List.of());
    }

    /**
     * The same host plus these origins ({@code *} for any).
     *
     * @throws IllegalArgumentException for an entry that is not {@code scheme://host[:port]}
     */
    public static OriginPolicy allow(List<String> origins) {
        for (String o : origins) {
            if (!ANY.equals(o)) {
                checkOrigin(o);
            }
        }
        return new OriginPolicy(origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList());
    }

    private static void checkOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            if (uri.getScheme() == null || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())
                    || uri.getQuery() != null || uri.getUserInfo() != null) {
                throw new URISyntaxException(origin, "not scheme://host[:port]");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("an allowed origin is scheme://host[:port], e.g. https://viewer.example.com,"
                    + " or *, not '" + origin + "'", e);
        }
    }

    /** Whether a WebSocket upgrade with this {@code Origin} (null: none sent) and {@code Host} may go on. */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return true;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        if (allowed.contains(ANY) || allowed.contains(o)) {
            return true;
        }
        if (host == null || "null".equals(o)) {
            return false;
        }
        try {
            URI uri = new URI(o);
            return uri.getRawAuthority() != null && uri.getRawAuthority().equals(host.toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    public List<String> allowed() {
        return allowed;
    }
}
