package io.scanout.transport.push;

import io.micrometer.core.instrument.Counter;
import io.scanout.core.metrics.StreamMeters;

/**
 * The pusher's meters, tagged like the stream's others ({@code stream}) and nothing else: tags
 * keep to the bounded set every Scanout meter uses (stream, stage, codec, encoder, reason); which
 * push target failed is in the log.
 * <ul>
 *   <li>{@code scanout.push.reconnects} — counter of times a push connection (to any of the
 *       stream's targets) failed and was retried.</li>
 * </ul>
 * Registering is idempotent in Micrometer: a pusher re-made on reload counts on the same counter.
 */
final class PushMeters {
    static final String RECONNECTS = "scanout.push.reconnects";

    private PushMeters() {
    }

    static Counter reconnects(StreamMeters meters) {
        return Counter.builder(RECONNECTS)
                .description("times a push to a media server failed and was retried")
                .tags(meters.tags())
                .register(meters.registry());
    }
}
