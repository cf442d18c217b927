package io.scanout.transport.push;

import io.micrometer.core.instrument.Counter;
import io.scanout.core.metrics.StreamMeters;

/**
 * The pusher's meters, tagged like the stream's others ({@code stream}) and by the URL's scheme:
 * <ul>
 *   <li>{@code scanout.push.reconnects} — counter of times a push connection failed and was
 *       retried, tag {@code url-scheme} ({@code srt}, {@code rtsp}, {@code rtmp}, …).</li>
 * </ul>
 * Registering is idempotent in Micrometer: a pusher re-made on reload counts on the same counter.
 */
final class PushMeters {
    static final String RECONNECTS = "scanout.push.reconnects";

    private PushMeters() {
    }

    static Counter reconnects(StreamMeters meters, String scheme) {
        return Counter.builder(RECONNECTS)
                .description("times a push to a media server failed and was retried")
                .tags(meters.tags()).tag("url-scheme", scheme)
                .register(meters.registry());
    }
}
