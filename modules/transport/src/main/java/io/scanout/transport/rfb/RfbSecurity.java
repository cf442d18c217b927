package io.scanout.transport.rfb;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.scanout.transport.security.AuthThrottle;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

/**
 * Who may watch over RFB and how they prove it (RFC 6143 §7.2, VeNCrypt):
 * <ul>
 *   <li>security type None — only to a client on a trusted address (loopback) and only when no
 *       password is set;</li>
 *   <li>VNC Authentication (type 2) — when a password is set: a DES challenge, the password's
 *       first 8 bytes being the key, as in every VNC server;</li>
 *   <li>VeNCrypt (type 19) — over TCP when a TLS certificate is given: TLS first (X509/TLS
 *       subtypes, both served with the certificate), then VNC Authentication inside it
 *       ({@code X509Vnc}, {@code TLSVnc}) or, for trusted addresses without a password,
 *       nothing more ({@code X509None}, {@code TLSNone}).</li>
 * </ul>
 * A client on another address with no password set is refused with a reason saying how to set one.
 * VNC Authentication is throttled ({@link AuthThrottle}): an address that gave the wrong password
 * too often is refused, its response unchecked, until its block ends.
 *
 * <p>{@link #toString()} never shows the password. Immutable.
 *
 * @param password the VNC password, if any (its first 8 bytes count)
 * @param tls      the certificate and key VeNCrypt serves, if any
 * @param trusted  which client addresses may use None; {@link InetAddress#isLoopbackAddress()} by default
 * @param throttle counts wrong passwords per address and blocks guessers; shared with the server's
 *                 other listeners, so an RFB client and an HTTP client from one address add up
 */
public record RfbSecurity(Optional<String> password, Optional<SslContext> tls, Predicate<InetAddress> trusted,
                          AuthThrottle throttle) {
    public RfbSecurity {
        if (password == null || tls == null || trusted == null || throttle == null) {
            throw new IllegalArgumentException("password, tls, trusted and throttle are required (Optional.empty()"
                    + " for none)");
        }
        if (password.isPresent() && password.get().isEmpty()) {
            throw new IllegalArgumentException("an empty VNC password would let anyone in; leave it unset instead");
        }
    }

    /** No password, no TLS: loopback clients only; a throttle of its own on {@link AuthThrottle.Policy#DEFAULT}. */
    public static RfbSecurity loopbackOnly() {
        return new RfbSecurity(Optional.empty(), Optional.empty(), InetAddress::isLoopbackAddress,
                new AuthThrottle(AuthThrottle.Policy.DEFAULT));
    }

    /** With VNC Authentication for this password (null for none). */
    public RfbSecurity withPassword(String newPassword) {
        return new RfbSecurity(Optional.ofNullable(newPassword), tls, trusted, throttle);
    }

    /** With VeNCrypt TLS served from this context (a server context: certificate and key). */
    public RfbSecurity withTls(SslContext context) {
        return new RfbSecurity(password, Optional.of(context), trusted, throttle);
    }

    /** With another test for the addresses that may use None (tests; the default is loopback). */
    public RfbSecurity withTrusted(Predicate<InetAddress> newTrusted) {
        return new RfbSecurity(password, tls, newTrusted, throttle);
    }

    /** With this throttle of wrong passwords (the server shares one with its HTTP transport). */
    public RfbSecurity withThrottle(AuthThrottle newThrottle) {
        return new RfbSecurity(password, tls, trusted, newThrottle);
    }

    /**
     * A TLS server context from PEM files: a certificate chain and its PKCS#8 private key.
     *
     * @throws IllegalArgumentException naming the files when they cannot be read
     */
    public static SslContext tlsFromPem(Path certificateChain, Path privateKey) {
        try {
            return SslContextBuilder.forServer(new File(certificateChain.toString()), new File(privateKey.toString()))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use TLS certificate " + certificateChain + " with key "
                    + privateKey + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "RfbSecurity[password " + (password.isPresent() ? "set" : "unset") + ", tls "
                + (tls.isPresent() ? "set" : "unset") + "]";
    }
}
