package io.scanout.transport.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring viewer URLs: {@code ?stream=ID&exp=EPOCH_SECONDS&scope=view&sig=HMAC}, where
 * {@code sig} is HMAC-SHA256, base64url without padding, over the stream id, the expiry and the
 * scopes, keyed with a server secret. Anyone with the URL may use it on that stream only, with
 * those scopes only, until it expires; changing any of the three breaks the signature.
 *
 * <p>Signed URLs never carry {@link Scope#ADMIN} or {@link Scope#METRICS}: they are for viewers.
 * Thread-safe (a {@link Mac} is made per call).
 */
public final class UrlSigner {
    /** Shorter secrets are refused. */
    public static final int MIN_SECRET_BYTES = 16;
    public static final String EXPIRES = "exp";
    public static final String SIGNATURE = "sig";
    public static final String SCOPE = "scope";
    /** Who a signed URL's grant says presented it. */
    public static final String WHO = "signed-url";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Set<Scope> SIGNABLE = EnumSet.of(Scope.VIEW, Scope.INPUT);
    private static final int MAX_SIGNATURE_CHARS = 64;

    private final SecretKeySpec key;

    private UrlSigner(byte[] secret) {
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    /**
     * @throws IllegalArgumentException for a secret shorter than {@value #MIN_SECRET_BYTES} bytes
     */
    public static UrlSigner of(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the URL signing secret must be at least " + MIN_SECRET_BYTES
                    + " bytes; make one with e.g. 'openssl rand -hex 32'");
        }
        return new UrlSigner(secret.clone());
    }

    /**
     * The query string (without {@code ?}) that lets its holder use {@code streamId} until {@code expires}.
     *
     * @throws IllegalArgumentException for scopes a URL cannot carry (admin, metrics) or none
     */
    public String sign(String streamId, Instant expires, Set<Scope> scopes) {
        if (scopes.isEmpty() || !SIGNABLE.containsAll(scopes)) {
            throw new IllegalArgumentException("a signed URL carries view and/or input, not " + Scope.format(scopes));
        }
        String exp = Long.toString(expires.getEpochSecond());
        String scope = Scope.format(scopes);
        return "stream=" + QueryText.encode(streamId) + "&" + EXPIRES + "=" + exp + "&" + SCOPE + "=" + scope
                + "&" + SIGNATURE + "=" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(streamId, exp, scope));
    }

    /**
     * Checks a presented signature for {@code streamId}.
     *
     * @param scope the {@code scope} parameter; null means {@code view}
     * @throws CredentialException when a part is malformed, the signature does not match, or it expired
     */
    Grant verify(String streamId, String exp, String scope, String sig, Instant now) throws CredentialException {
        if (exp == null || sig == null) {
            throw new CredentialException("a signed URL needs both exp and sig");
        }
        if (exp.isEmpty() || exp.length() > 12 || !exp.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new CredentialException("exp is not a time in epoch seconds");
        }
        if (sig.length() > MAX_SIGNATURE_CHARS) {
            throw new CredentialException("sig is too long");
        }
        String scopeText = scope == null ? Scope.VIEW.id() : scope;
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(sig);
        } catch (IllegalArgumentException e) {
            throw new CredentialException("sig is not base64url");
        }
        // Signed over the scope text exactly as presented: any change to it breaks the match.
        if (!MessageDigest.isEqual(mac(streamId, exp, scopeText), presented)) {
            throw CredentialException.wrongSecret("the signature does not match");
        }
        if (Long.parseLong(exp) <= now.getEpochSecond()) {
            throw new CredentialException("the signed URL expired");
        }
        Set<Scope> scopes;
        try {
            scopes = Scope.parseList(scopeText);
        } catch (IllegalArgumentException e) {
            throw new CredentialException(e.getMessage());
        }
        if (!SIGNABLE.containsAll(scopes)) {
            throw new CredentialException("a signed URL cannot carry " + scopeText);
        }
        return new Grant(WHO, scopes, Set.of(streamId));
    }

    private byte[] mac(String streamId, String exp, String scope) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(("scanout-url-v1\n" + streamId + "\n" + exp + "\n" + scope)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + ALGORITHM, e);
        }
    }
}
