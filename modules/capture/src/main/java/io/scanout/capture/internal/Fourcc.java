package io.scanout.capture.internal;

import java.util.Locale;

/** DRM fourcc codes as people read them, for messages about a format that a source reported. */
public final class Fourcc {
    private Fourcc() {
    }

    /** A fourcc in hex and as its four characters, unprintable ones escaped: {@code 0x39565559 ('YUV9')}. */
    public static String describe(int fourcc) {
        StringBuilder chars = new StringBuilder(16);
        for (int i = 0; i < 4; i++) {
            int c = fourcc >>> (8 * i) & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '\'' && c != '\\') {
                chars.append((char) c);
            } else {
                chars.append(String.format(Locale.ROOT, "\\x%02x", c));
            }
        }
        return String.format(Locale.ROOT, "0x%08x ('%s')", fourcc, chars);
    }
}
