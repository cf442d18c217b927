package io.scanout.server;

import io.scanout.convert.Scaling;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import io.scanout.transport.ViewerLimits;
import java.util.regex.Pattern;

/**
 * One stream: its id (the {@code /streams/{id}} path), its source URI, how its frames are scaled
 * before encoding, its encoder, and how far a viewer may fall behind before it skips to a keyframe.
 */
public record StreamSettings(String id, String source, Scaling scaling, EncoderSettings encoder,
                             ViewerLimits viewerLimits) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public StreamSettings {
        checkId(id);
    }

    /** A stream at the source's own size, with the default viewer limits. */
    public StreamSettings(String id, String source, EncoderSettings encoder) {
        this(id, source, Scaling.none(), encoder, ViewerLimits.defaults());
    }

    /**
     * {@code --max-size WxH} (fit inside, keeping the aspect) or {@code --size WxH} (exactly), at
     * most one of them; none keeps the source's size.
     */
    public static Scaling scaling(String maxSize, String size) {
        if (maxSize != null && size != null) {
            throw new IllegalArgumentException("give --max-size or --size, not both");
        }
        if (maxSize != null) {
            int[] wh = VideoFormat.parseSize(maxSize);
            return Scaling.fitInside(wh[0], wh[1]);
        }
        if (size != null) {
            int[] wh = VideoFormat.parseSize(size);
            return Scaling.exactly(wh[0], wh[1]);
        }
        return Scaling.none();
    }

    /** Stream ids go into URLs and metric tags: letters, digits, {@code _ . -}, at most 64. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a stream id is 1-64 letters, digits, '_', '.' or '-' starting with"
                    + " a letter or digit, not '" + id + "'");
        }
        return id;
    }
}
