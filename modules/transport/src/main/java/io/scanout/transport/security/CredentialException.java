package io.scanout.transport.security;

/** A credential that is missing, malformed, tampered with or expired: the request is answered 401. */
final class CredentialException extends Exception {
    CredentialException(String message) {
        super(message, null, false, false);
    }
}
