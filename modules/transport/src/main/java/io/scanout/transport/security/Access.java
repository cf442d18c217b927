package io.scanout.transport.security;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Decides whether a request may do what it asks, from its {@code Authorization: Bearer} header or
 * its signed-URL parameters ({@link UrlSigner}). The transport asks once per request, before any
 * handler runs or any WebSocket is upgraded, and {@linkplain #remember remembers} the grant on the
 * connection so a handler can read it with {@link #grantOf}.
 *
 * <p>An address that failed too often ({@link AuthThrottle}): 429 with the seconds to wait, before
 * its credential is even parsed. No credential, an unknown token, a tampered or expired signature:
 * 401 (an unknown token or a signature that does not match counts as a failure of its address;
 * a valid credential forgets them). A valid credential
 * without the scope, a signed URL for another stream, or a token restricted to other streams: 403. Without auth configured everything
 * is granted, except {@code admin} from a non-loopback address.
 *
 * <p>Thread-safe, non-blocking: called on Netty event loops.
 */
public final class Access {
    private static final AttributeKey<Grant> GRANT = AttributeKey.valueOf("scanout.grant");
    private static final Grant NOTHING = new Grant("none", Set.of(), Set.of());
    private static final String BEARER = "bearer ";
    /** A bearer secret longer than this is no token of ours; not hashed. */
    private static final int MAX_AUTHORIZATION_CHARS = 1024;

    private final SecuritySettings settings;
    private final AuthThrottle throttle;
    private final Clock clock;

    /** With a throttle of its own, on {@link SecuritySettings#authFailures()}. */
    public Access(SecuritySettings settings) {
        this(settings, new AuthThrottle(settings.authFailures()));
    }

    /** With {@code throttle}, which the server may share with its other listeners (RFB). */
    public Access(SecuritySettings settings, AuthThrottle throttle) {
        this(settings, throttle, Clock.systemUTC());
    }

    Access(SecuritySettings settings, AuthThrottle throttle, Clock clock) {
        this.settings = settings;
        this.throttle = throttle;
        this.clock = clock;
    }

    /**
     * The outcome of a check: a grant, or the status and reason to answer with.
     *
     * @param grant  what was granted; null when refused
     * @param status 200 when granted, else 401, 403 or 429
     * @param reason why it was refused, safe to tell the client (never a secret)
     * @param retryAfterSeconds with 429, the seconds the client must wait ({@code Retry-After}); else 0
     */
    public record Decision(Grant grant, HttpResponseStatus status, String reason, long retryAfterSeconds) {
        static Decision granted(Grant grant) {
            return new Decision(grant, HttpResponseStatus.OK, "", 0);
        }

        static Decision blocked(long retryAfterSeconds) {
            return new Decision(null, HttpResponseStatus.TOO_MANY_REQUESTS, "too many authentication failures, try"
                    + " again in " + retryAfterSeconds + " s", retryAfterSeconds);
        }

        static Decision unauthorized(String reason) {
            return new Decision(null, HttpResponseStatus.UNAUTHORIZED, reason, 0);
        }

        static Decision forbidden(String reason) {
            return new Decision(null, HttpResponseStatus.FORBIDDEN, reason, 0);
        }

        public boolean isGranted() {
            return grant != null;
        }
    }

    /**
     * Whether {@code req} may use {@code scope} on {@code streamId}.
     *
     * @param streamId the stream the request is about, or null (the page without {@code ?stream=},
     *                 {@code /streams}, {@code /metrics}, admin)
     */
    public Decision check(HttpServerRequest req, Scope scope, String streamId) {
        if (!settings.authEnabled()) {
            if (scope == Scope.ADMIN && !fromLoopback(req)) {
                return Decision.forbidden("without tokens, admin endpoints answer on loopback only");
            }
            return Decision.granted(Grant.OPEN);
        }
        InetAddress client = clientAddress(req);
        long wait = throttle.retryAfterSeconds(client, AuthThrottle.Protocol.HTTP);
        if (wait > 0) {
            return Decision.blocked(wait);
        }
        Grant grant;
        try {
            grant = credential(req, streamId);
        } catch (CredentialException e) {
            if (e.isWrongSecret()) {
                throttle.failed(client, AuthThrottle.Protocol.HTTP);
            }
            return Decision.unauthorized(e.getMessage());
        }
        // The credential is right, whatever it may do: the address's failures are forgotten.
        throttle.succeeded(client);
        if (streamId == null && grant.who().equals(UrlSigner.WHO)) {
            // A signed URL is a viewer's link to one stream: not the list, not metrics or admin.
            return Decision.forbidden("this signed URL is for stream '" + grant.streams().iterator().next() + "' only");
        }
        if (!grant.allows(scope, streamId)) {
            return Decision.forbidden(streamId != null && !grant.covers(streamId)
                    ? (grant.who().equals(UrlSigner.WHO) ? "this signed URL is for stream '"
                            + grant.streams().iterator().next() + "' only"
                            : "'" + grant.who() + "' is not allowed stream '" + streamId + "'")
                    : "'" + grant.who() + "' lacks the " + scope.id() + " scope");
        }
        return Decision.granted(grant);
    }

    private Grant credential(HttpServerRequest req, String streamId) throws CredentialException {
        String authorization = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            return bearer(authorization);
        }
        Map<String, List<String>> query;
        try {
            query = new QueryStringDecoder(req.uri()).parameters();
        } catch (IllegalArgumentException e) {
            throw new CredentialException("the query string is not valid percent-encoding");
        }
        String sig = first(query, UrlSigner.SIGNATURE);
        if (sig != null && settings.urlSigner() != null) {
            // Routes about one stream are checked against it; others (the page, /streams) against ?stream=.
            String stream = streamId != null ? streamId : first(query, "stream");
            if (stream == null) {
                throw new CredentialException("a signed URL needs ?stream=");
            }
            return settings.urlSigner().verify(stream, first(query, UrlSigner.EXPIRES), first(query, UrlSigner.SCOPE),
                    sig, clock.instant());
        }
        throw new CredentialException("a credential is required: 'Authorization: Bearer TOKEN' or a signed URL");
    }

    private Grant bearer(String authorization) throws CredentialException {
        if (authorization.length() > MAX_AUTHORIZATION_CHARS
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new CredentialException("the Authorization header is not 'Bearer TOKEN'");
        }
        String secret = authorization.substring(BEARER.length()).strip();
        byte[] presented = BearerToken.sha256(secret);
        BearerToken match = null;
        // Every token is compared, whichever matches: the time taken does not depend on which.
        for (BearerToken token : settings.tokens()) {
            if (token.matchesDigest(presented) && match == null) {
                match = token;
            }
        }
        if (match == null) {
            // Shorter than any token can be: not a guess at one (nor is an empty header).
            throw secret.length() >= BearerToken.MIN_SECRET_CHARS
                    ? CredentialException.wrongSecret("unknown token") : new CredentialException("unknown token");
        }
        return new Grant(match.name(), match.scopes(), match.streams());
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static InetAddress clientAddress(HttpServerRequest req) {
        InetSocketAddress remote = req.remoteAddress();
        return remote == null ? null : remote.getAddress();
    }

    private static boolean fromLoopback(HttpServerRequest req) {
        InetSocketAddress remote = req.remoteAddress();
        return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }

    /** Keeps a granted request's grant on its connection, for {@link #grantOf}. */
    public static void remember(HttpServerRequest req, Grant grant) {
        req.withConnection(c -> c.channel().attr(GRANT).set(grant));
    }

    /**
     * What the transport granted the request a {@code StreamHandler} is serving (e.g. whether an
     * RFB-over-WebSocket client may send input: {@code grantOf(req).mayInput()}). A grant with no
     * scope when the transport did not check this request.
     */
    public static Grant grantOf(HttpServerRequest req) {
        Grant[] grant = {NOTHING};
        req.withConnection(c -> {
            Grant g = c.channel().attr(GRANT).get();
            if (g != null) {
                grant[0] = g;
            }
        });
        return grant[0];
    }
}
