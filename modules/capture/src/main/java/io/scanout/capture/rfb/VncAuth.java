package io.scanout.capture.rfb;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * VNC Authentication (RFC 6143 §7.2.2): the 16-byte challenge encrypted with DES in ECB mode, the
 * key being the password's first 8 bytes (zero-padded) with each byte's bits in reverse order —
 * the quirk every VNC implementation inherited from the original d3des code.
 */
final class VncAuth {
    static final int CHALLENGE_BYTES = 16;

    private VncAuth() {
    }

    /** The response to a challenge for this password. */
    static byte[] response(String password, byte[] challenge) {
        if (challenge.length != CHALLENGE_BYTES) {
            throw new IllegalArgumentException("a VNC challenge has 16 bytes, not " + challenge.length);
        }
        return encrypt(key(password), challenge);
    }

    /** The DES key for a password: its first 8 bytes (Latin-1, zero-padded), each bit-reversed. */
    static byte[] key(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.ISO_8859_1);
        byte[] key = new byte[8];
        for (int i = 0; i < key.length && i < bytes.length; i++) {
            key[i] = (byte) (Integer.reverse(bytes[i] & 0xff) >>> 24);
        }
        return key;
    }

    /** DES/ECB of whole 8-byte blocks with a raw 8-byte key (parity bits are ignored by DES). */
    static byte[] encrypt(byte[] key, byte[] blocks) {
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(blocks);
        } catch (GeneralSecurityException e) {
            // Every Java 17 runtime ships DES; its absence is a broken JDK, not a server's fault.
            throw new IllegalStateException("DES/ECB/NoPadding is not available in this JDK", e);
        }
    }
}
