package io.scanout.transport.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may use an {@code HttpTransport} and how: bearer tokens, the URL signing secret, which of
 * {@code /metrics} and {@code /healthz} are public, allowed WebSocket origins, connection limits,
 * how failed authentications are throttled ({@link AuthThrottle.Policy}), and TLS. With neither tokens nor a signing secret the server has no auth: everything is open,
 * which is allowed on loopback addresses only unless {@link Builder#insecureNoAuth} says otherwise.
 * Immutable.
 */
public final class SecuritySettings {
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1000;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    private final List<BearerToken> tokens;
    private final UrlSigner urlSigner;
    private final boolean publicMetrics;
    private final boolean publicHealth;
    private final OriginPolicy origins;
    private final int maxConnectionsPerClient;
    private final int maxConnections;
    private final TlsSettings tls;
    private final boolean insecureNoAuth;
    private final AuthThrottle.Policy authFailures;

    private SecuritySettings(Builder b) {
        this.tokens = List.copyOf(b.tokens);
        this.urlSigner = b.urlSigner;
        this.publicMetrics = b.publicMetrics;
        this.publicHealth = b.publicHealth;
        this.origins = b.origins;
        this.maxConnectionsPerClient = b.maxConnectionsPerClient;
        this.maxConnections = b.maxConnections;
        this.tls = b.tls;
        this.insecureNoAuth = b.insecureNoAuth;
        this.authFailures = b.authFailures;
    }

    /** No auth, no TLS, same-host origins, default limits: what a loopback server starts with. */
    public static SecuritySettings open() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether requests need a credential: a token or a signing secret is configured. */
    public boolean authEnabled() {
        return !tokens.isEmpty() || urlSigner != null;
    }

    /**
     * Refuses to serve {@code host} openly: a non-loopback address needs auth or an explicit
     * {@link Builder#insecureNoAuth}. Resolves {@code host} (may block briefly: call at start-up).
     *
     * @throws IllegalArgumentException saying so; the caller adds how its users set a token
     */
    public void checkBind(String host) {
        if (authEnabled() || insecureNoAuth || isLoopback(host)) {
            return;
        }
        throw new IllegalArgumentException("refusing to listen on " + host + " without authentication: anyone who can"
                + " reach it could watch the streams");
    }

    /** Whether {@code host} names only loopback addresses; an unknown name is not loopback. */
    public static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public List<BearerToken> tokens() {
        return tokens;
    }

    /** The signing secret's signer, or null when signed URLs are off. */
    public UrlSigner urlSigner() {
        return urlSigner;
    }

    public boolean publicMetrics() {
        return publicMetrics;
    }

    public boolean publicHealth() {
        return publicHealth;
    }

    public OriginPolicy origins() {
        return origins;
    }

    public int maxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** TLS for the server, or null for plain HTTP. */
    public TlsSettings tls() {
        return tls;
    }

    public boolean insecureNoAuth() {
        return insecureNoAuth;
    }

    /** When failed authentications block an address; default {@link AuthThrottle.Policy#DEFAULT}. */
    public AuthThrottle.Policy authFailures() {
        return authFailures;
    }

    /** Not thread-safe, used once. */
    public static final class Builder {
        private final List<BearerToken> tokens = new ArrayList<>();
        private UrlSigner urlSigner;
        private boolean publicMetrics;
        private boolean publicHealth = true;
        private OriginPolicy origins = OriginPolicy.sameHost();
        private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private TlsSettings tls;
        private boolean insecureNoAuth;
        private AuthThrottle.Policy authFailures = AuthThrottle.Policy.DEFAULT;

        private Builder() {
        }

        /** Adds a bearer token. */
        public Builder token(BearerToken token) {
            tokens.add(token);
            return this;
        }

        /** Enables signed viewer URLs checked with this signer's secret. */
        public Builder urlSigner(UrlSigner signer) {
            this.urlSigner = signer;
            return this;
        }

        /** Whether {@code /metrics} answers without a credential when auth is on; default no. */
        public Builder publicMetrics(boolean open) {
            this.publicMetrics = open;
            return this;
        }

        /** Whether {@code /healthz} answers without a credential when auth is on; default yes. */
        public Builder publicHealth(boolean open) {
            this.publicHealth = open;
            return this;
        }

        /** Which pages may open WebSockets; default {@link OriginPolicy#sameHost()}. */
        public Builder origins(OriginPolicy origins) {
            this.origins = origins;
            return this;
        }

        /** Streaming connections one client address may hold, and all clients together. */
        public Builder maxConnections(int perClient, int total) {
            new ConnectionLimits(perClient, total); // checks the values
            this.maxConnectionsPerClient = perClient;
            this.maxConnections = total;
            return this;
        }

        /** Serves HTTPS and WSS with this certificate; default plain HTTP. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        /** Allows a non-loopback address without auth. Everyone who reaches it can watch and control. */
        public Builder insecureNoAuth(boolean insecure) {
            this.insecureNoAuth = insecure;
            return this;
        }

        /**
         * When failed authentications block an address ({@link AuthThrottle}); default
         * {@link AuthThrottle.Policy#DEFAULT}, {@link AuthThrottle.Policy#OFF} for never.
         */
        public Builder authFailures(AuthThrottle.Policy policy) {
            this.authFailures = policy;
            return this;
        }

        /**
         * @throws IllegalArgumentException when two tokens share a name
         */
        public SecuritySettings build() {
            Set<String> names = new HashSet<>();
            for (BearerToken t : tokens) {
                if (!names.add(t.name())) {
                    throw new IllegalArgumentException("two tokens are named '" + t.name() + "'");
                }
            }
            if (origins == null || authFailures == null) {
                throw new IllegalArgumentException("an origin policy and an authentication failure policy are required");
            }
            return new SecuritySettings(this);
        }
    }
}
