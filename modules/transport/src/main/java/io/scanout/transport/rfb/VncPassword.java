package io.scanout.transport.rfb;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * VNC Authentication (RFC 6143 §7.2.2), the server's side: the response a client with the right
 * password gives to a 16-byte challenge — DES/ECB with the password's first 8 bytes (Latin-1,
 * zero-padded) as the key, each byte's bits reversed, the quirk every VNC implementation inherited
 * from the original d3des code.
 */
final class VncPassword {
    static final int CHALLENGE_BYTES = 16;

    private VncPassword() {
    }

    static byte[] response(String password, byte[] challenge) {
        byte[] bytes = password.getBytes(StandardCharsets.ISO_8859_1);
        byte[] key = new byte[8];
        for (int i = 0; i < key.length && i < bytes.length; i++) {
            key[i] = (byte) (Integer.reverse(bytes[i] & 0xff) >>> 24);
        }
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(challenge);
        } catch (GeneralSecurityException e) {
            // Every Java 17 runtime ships DES; its absence is a broken JDK, not a client's fault.
            throw new IllegalStateException("DES/ECB/NoPadding is not available in this JDK", e);
        }
    }
}
