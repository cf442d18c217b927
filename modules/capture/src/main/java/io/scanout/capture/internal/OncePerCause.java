package io.scanout.capture.internal;

import io.scanout.core.metrics.DropReason;
import io.scanout.core.metrics.StreamMeters;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Drops of bad frames from a polling source: each is counted as {@link DropReason#ERROR}, and
 * logged at WARN the first time its cause is seen, at DEBUG after, so a source that keeps sending
 * the same bad frame does not flood the log. The message becomes the source's last error
 * ({@link io.scanout.core.metrics.SourceStatus}), shown in {@code /streams}.
 *
 * <p>Not thread-safe: owned by one polling thread.
 *
 * @param <F> the kinds of fault the source tells apart
 */
public final class OncePerCause<F extends Enum<F>> {
    private final Logger log;
    private final StreamMeters meters;
    private final String onward;
    private final Set<F> logged;

    /**
     * @param onward what the source does after a drop, for the first message: {@code "polling goes on"}
     */
    public OncePerCause(Class<F> causes, Logger log, StreamMeters meters, String onward) {
        this.log = log;
        this.meters = meters;
        this.onward = onward;
        this.logged = EnumSet.noneOf(causes);
    }

    /** Counts one dropped frame and logs {@code format} with {@code args}; does not block. */
    public void drop(F cause, String format, Object... args) {
        meters.frameDropped(DropReason.ERROR);
        // What /streams shows as the source's last error; formatted per drop, which only bad frames pay.
        meters.source().error(MessageFormatter.arrayFormat(format, args).getMessage());
        if (logged.add(cause)) {
            log.warn(format + " (logged once per cause; " + onward + ")", args);
        } else {
            log.debug(format, args);
        }
    }
}
