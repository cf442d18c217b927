package io.scanout.encode.internal;

import io.scanout.encode.EncodeException;
import java.util.Locale;

/**
 * An encoder that cannot serve this stream, and why, in a bounded category (the {@code reason} tag of
 * {@code scanout.encoder.fallbacks}) plus the full text. The encode stage catches it and tries the
 * next encoder in rank.
 */
public class EncoderUnavailableException extends EncodeException {
    /** Why an encoder was passed over: the bounded values of the {@code reason} tag. */
    public enum Reason {
        /** The FFmpeg build on the class path lacks it. */
        NOT_BUILT,
        /** Its device node is missing or not accessible. */
        NO_DEVICE,
        /** The device node is there, but FFmpeg could not make a device context on it. */
        DEVICE_FAILED,
        /** The device opened, but the encoder did not, at this size and format. */
        OPEN_FAILED;

        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public EncoderUnavailableException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public EncoderUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
