package io.scanout.transport.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * What one request was allowed: who presented the credential, its scopes, and the streams it
 * covers — the one stream of a signed URL, the streams a token is restricted to. Immutable.
 *
 * @param who     the token's name, {@code "signed-url"}, or {@code "open"} when the server has no auth
 * @param scopes  what the holder may do
 * @param streams the only streams the grant covers; empty for every stream
 */
public record Grant(String who, Set<Scope> scopes, Set<String> streams) {
    /** Everything, for servers without auth (loopback by default, or {@code --insecure-no-auth}). */
    public static final Grant OPEN = new Grant("open", EnumSet.allOf(Scope.class), Set.of());

    public Grant {
        scopes = Set.copyOf(scopes);
        streams = Set.copyOf(streams);
    }

    /**
     * Whether this grant covers {@code scope} on {@code streamId}. A request about no one stream
     * ({@code streamId} null: the stream list, the page without {@code ?stream=}, metrics, admin)
     * needs the scope only; the stream list then shows only {@linkplain #covers covered} streams.
     */
    public boolean allows(Scope scope, String streamId) {
        return scopes.contains(scope) && (streamId == null || covers(streamId));
    }

    /** Whether the grant reaches stream {@code streamId} at all. */
    public boolean covers(String streamId) {
        return streams.isEmpty() || streams.contains(streamId);
    }

    /**
     * Whether the holder may send keyboard and mouse events. The stream must take input too
     * ({@code StreamEndpoint#input()}); this is the credential's half of the check.
     */
    public boolean mayInput() {
        return scopes.contains(Scope.INPUT);
    }
}
