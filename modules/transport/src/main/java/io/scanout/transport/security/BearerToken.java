package io.scanout.transport.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * A named secret with scopes, presented as {@code Authorization: Bearer <secret>}. Only the
 * SHA-256 of the secret is kept, and a presented secret is compared digest to digest in constant
 * time, so neither the heap nor the timing of a refusal tells an attacker much. Immutable.
 */
public final class BearerToken {
    /** Shorter secrets are refused: they could be guessed. */
    public static final int MIN_SECRET_CHARS = 16;

    private final String name;
    private final Set<Scope> scopes;
    private final Set<String> streams;
    private final byte[] digest;

    private BearerToken(String name, Set<Scope> scopes, Set<String> streams, byte[] digest) {
        this.name = name;
        this.scopes = Set.copyOf(scopes);
        this.streams = Set.copyOf(streams);
        this.digest = digest;
    }

    /**
     * @param name   shown in logs, never the secret
     * @param secret printable ASCII without spaces, at least {@value #MIN_SECRET_CHARS} characters
     * @throws IllegalArgumentException for a short or unprintable secret, or no scope
     */
    public static BearerToken of(String name, String secret, Set<Scope> scopes) {
        return of(name, secret, scopes, Set.of());
    }

    /**
     * A token good for some streams only: with it, other streams answer 403 and are left out of
     * {@code GET /streams}. Its {@code admin} and {@code metrics} scopes are server-wide.
     *
     * @param streams the stream ids it covers; empty for every stream
     * @throws IllegalArgumentException for a short or unprintable secret, or no scope
     */
    public static BearerToken of(String name, String secret, Set<Scope> scopes, Set<String> streams) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a token needs a name");
        }
        if (scopes == null || scopes.isEmpty()) {
            throw new IllegalArgumentException("token '" + name + "' needs at least one scope");
        }
        if (secret == null || secret.length() < MIN_SECRET_CHARS) {
            throw new IllegalArgumentException("token '" + name + "' is shorter than " + MIN_SECRET_CHARS
                    + " characters; make one with e.g. 'openssl rand -hex 32'");
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("token '" + name + "' must be printable ASCII without spaces");
            }
        }
        return new BearerToken(name, scopes, streams, sha256(secret));
    }

    public String name() {
        return name;
    }

    public Set<Scope> scopes() {
        return scopes;
    }

    /** The streams it covers; empty for every stream. */
    public Set<String> streams() {
        return streams;
    }

    /** Constant-time comparison with the digest of a presented secret. */
    boolean matchesDigest(byte[] presentedDigest) {
        return MessageDigest.isEqual(digest, presentedDigest);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[" + name + ", " + Scope.format(scopes)
                + (streams.isEmpty() ? "" : ", streams " + String.join(",", new java.util.TreeSet<>(streams))) + "]";
    }
}
