package io.scanout.transport.security;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * A server certificate chain and its private key, read from PEM files once, as a Netty
 * {@link SslContext} that any Scanout server shares: the HTTP/WebSocket transport uses it through
 * Reactor Netty's {@code SslProvider}, and a TCP server (RFB) can do the same —
 * {@code TcpServer.secure(spec -> spec.sslContext(tls.sslContext()))} — or add
 * {@code tls.sslContext().newHandler(channel.alloc())} to a pipeline mid-connection (VeNCrypt).
 *
 * <p>The key is PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl req -newkey}
 * writes); convert a PKCS#1 key with {@code openssl pkcs8 -topk8 -nocrypt}. Immutable, thread-safe.
 */
public final class TlsSettings {
    private final Path certificateChain;
    private final Path privateKey;
    private final SslContext sslContext;

    private TlsSettings(Path certificateChain, Path privateKey, SslContext sslContext) {
        this.certificateChain = certificateChain;
        this.privateKey = privateKey;
        this.sslContext = sslContext;
    }

    /**
     * Reads and checks the files (blocking: call it at start-up).
     *
     * @throws IllegalArgumentException naming the file when one is missing or not a usable PEM
     *                                  certificate or key, or when the two do not belong together
     */
    public static TlsSettings load(Path certificateChain, Path privateKey) {
        for (Path p : new Path[] {certificateChain, privateKey}) {
            if (p == null || !Files.isReadable(p)) {
                throw new IllegalArgumentException("TLS needs a certificate and a key file; cannot read " + p);
            }
        }
        try {
            SslContext context = SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()).build();
            return new TlsSettings(certificateChain, privateKey, context);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use TLS certificate " + certificateChain + " with key " + privateKey
                    + " (PEM certificate chain and PKCS#8 PEM key expected): " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The server context; share it, it is thread-safe. */
    public SslContext sslContext() {
        return sslContext;
    }

    public Path certificateChain() {
        return certificateChain;
    }

    public Path privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "TlsSettings[" + certificateChain + ", " + privateKey + "]";
    }
}
