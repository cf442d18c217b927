package io.scanout.core.metrics;

import java.util.Locale;

/** Pipeline stages: the bounded values of the {@code stage} tag on {@code scanout.stage.latency}. */
public enum Stage {
    CAPTURE, CONVERT, ENCODE, SEND;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
