package io.scanout.encode;

import io.micrometer.core.instrument.Counter;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.encode.internal.EncoderUnavailableException;

/**
 * The encode module's own meters, declared here, registered in the stream's registry with its
 * {@code stream} tag:
 * <ul>
 *   <li>{@code scanout.encoder.fallbacks} — counter of encoders passed over for a lower-ranked one,
 *       tags {@code encoder} (the one passed over, e.g. {@code h264_vaapi}) and {@code reason}
 *       ({@code not-built}, {@code no-device}, {@code device-failed}, {@code open-failed}).</li>
 * </ul>
 * Thread-safe (Micrometer registers each tag set once and returns it after).
 */
final class EncoderMeters {
    static final String FALLBACKS = "scanout.encoder.fallbacks";

    private final StreamMeters meters;

    EncoderMeters(StreamMeters meters) {
        this.meters = meters;
    }

    void fallback(String encoder, EncoderUnavailableException.Reason reason) {
        Counter.builder(FALLBACKS).description("encoders passed over for a lower-ranked one")
                .tags(meters.tags()).tag("encoder", encoder).tag("reason", reason.tag())
                .register(meters.registry()).increment();
    }
}
