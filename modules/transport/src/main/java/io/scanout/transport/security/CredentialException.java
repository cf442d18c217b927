package io.scanout.transport.security;

/** A credential that is missing, malformed, tampered with or expired: the request is answered 401. */
final class CredentialException extends Exception {
    private final boolean wrongSecret;

    CredentialException(String message) {
        this(message, false);
    }

    private CredentialException(String message, boolean wrongSecret) {
        super(message, null, false, false);
        this.wrongSecret = wrongSecret;
    }

    /**
     * A secret that could have been right and was not (an unknown token, a signature that does not
     * match): what a guesser sends, counted by {@link AuthThrottle}. A missing or malformed
     * credential, or an expired signature, is no guess.
     */
    static CredentialException wrongSecret(String message) {
        return new CredentialException(message, true);
    }

    boolean isWrongSecret() {
        return wrongSecret;
    }
}
