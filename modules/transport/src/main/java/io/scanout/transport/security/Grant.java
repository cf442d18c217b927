package io.scanout.transport.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * What one request was allowed: who presented the credential, its scopes, and — for a signed
 * URL — the one stream it is good for. Immutable.
 *
 * @param who    the token's name, {@code "signed-url"}, or {@code "open"} when the server has no auth
 * @param scopes what the holder may do
 * @param stream the only stream the grant covers, or {@code null} for every stream
 */
public record Grant(String who, Set<Scope> scopes, String stream) {
    /** Everything, for servers without auth (loopback by default, or {@code --insecure-no-auth}). */
    public static final Grant OPEN = new Grant("open", EnumSet.allOf(Scope.class), null);

    public Grant {
        scopes = Set.copyOf(scopes);
    }

    /** Whether this grant covers {@code scope} on {@code streamId} (null: a request about no one stream). */
    public boolean allows(Scope scope, String streamId) {
        if (!scopes.contains(scope)) {
            return false;
        }
        return stream == null || stream.equals(streamId);
    }

    /**
     * Whether the holder may send keyboard and mouse events. The stream must take input too
     * ({@code StreamEndpoint#input()}); this is the credential's half of the check.
     */
    public boolean mayInput() {
        return scopes.contains(Scope.INPUT);
    }
}
