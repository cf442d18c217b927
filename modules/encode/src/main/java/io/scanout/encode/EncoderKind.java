package io.scanout.encode;

import java.util.Locale;

/** Whether an encoder runs on a GPU or media engine, or on the CPU. Hardware ranks first. */
public enum EncoderKind {
    HARDWARE, SOFTWARE;

    /** Lowercase name, for logs and {@code /streams}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
