package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VncAuthTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void desMatchesTheClassicTestVectorWithTheKeyBitsReversed() {
        // FIPS 46 worked example: key 133457799BBCDFF1, plaintext 0123456789ABCDEF -> 85E813540F0AB405.
        byte[] key = HEX.parseHex("133457799bbcdff1");
        byte[] block = HEX.parseHex("0123456789abcdef");
        assertThat(HEX.formatHex(VncAuth.encrypt(key, block))).isEqualTo("85e813540f0ab405");

        // A VNC password whose bytes, each bit-reversed, are that key answers the challenge with it.
        byte[] password = new byte[8];
        for (int i = 0; i < 8; i++) {
            password[i] = (byte) (Integer.reverse(key[i] & 0xff) >>> 24);
        }
        String text = new String(password, StandardCharsets.ISO_8859_1);
        assertThat(VncAuth.key(text)).isEqualTo(key);
        byte[] challenge = HEX.parseHex("0123456789abcdef0123456789abcdef");
        assertThat(HEX.formatHex(VncAuth.response(text, challenge))).isEqualTo("85e813540f0ab40585e813540f0ab405");
    }

    @Test
    void onlyTheFirstEightBytesCountAndShortOnesArePadded() {
        assertThat(VncAuth.key("password-and-more")).isEqualTo(VncAuth.key("password"));
        assertThat(VncAuth.key("a")).isEqualTo(new byte[] {(byte) 0x86, 0, 0, 0, 0, 0, 0, 0});
        assertThat(VncAuth.key("")).isEqualTo(new byte[8]);
    }

    /**
     * x11vnc's {@code -storepasswd} file is the password encrypted with libvncserver's own d3des
     * (bit-reversed key schedule) under a fixed key: an independent implementation to agree with.
     */
    @Test
    void agreesWithLibvncserversPasswordFile(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/x11vnc")), "x11vnc is not installed");
        Path file = dir.resolve("passwd");
        Process p = new ProcessBuilder("x11vnc", "-storepasswd", "s3cret!", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        byte[] stored = Files.readAllBytes(file);
        byte[] fixedKey = {23, 82, 107, 6, 35, 78, 88, 7};
        byte[] block = java.util.Arrays.copyOf("s3cret!".getBytes(StandardCharsets.ISO_8859_1), 8);
        byte[] ours = VncAuth.encrypt(VncAuth.key(new String(fixedKey, StandardCharsets.ISO_8859_1)), block);
        assertThat(HEX.formatHex(stored)).isEqualTo(HEX.formatHex(ours));
    }
}
