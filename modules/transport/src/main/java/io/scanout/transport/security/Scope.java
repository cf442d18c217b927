package io.scanout.transport.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a credential lets its holder do. Scopes are independent: {@code admin} does not imply
 * {@code view}; a token meant for everything lists every scope.
 */
public enum Scope {
    /** The viewer page, {@code /streams}, the viewer WebSocket, {@code .ts}/{@code .mp4}, RFB over WebSocket. */
    VIEW,
    /** Sending keyboard and mouse events to a stream that takes them. */
    INPUT,
    /** {@code POST /admin/reload}. */
    ADMIN,
    /** {@code /metrics} and {@code /healthz} when they are not public. */
    METRICS;

    /** The lowercase name used in tokens, signed URLs and settings. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code view}, {@code input}, {@code admin} or {@code metrics}. */
    public static Scope parse(String text) {
        for (Scope s : values()) {
            if (s.id().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("a scope is view, input, admin or metrics, not '" + text + "'");
    }

    /** A comma-separated list, e.g. {@code view,input}; at least one scope. */
    public static Set<Scope> parseList(String text) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : text.split(",", -1)) {
            scopes.add(parse(part.strip()));
        }
        return scopes;
    }

    /** The canonical form of a set: ids in declaration order, comma-separated. */
    public static String format(Set<Scope> scopes) {
        StringBuilder out = new StringBuilder();
        for (Scope s : EnumSet.copyOf(scopes)) {
            out.append(out.length() == 0 ? "" : ",").append(s.id());
        }
        return out.toString();
    }
}
