package io.scanout.server;

import io.scanout.convert.Scaling;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import io.scanout.transport.ViewerLimits;
import io.scanout.transport.push.PushTarget;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One stream: its id (the {@code /streams/{id}} path), its source URI, how its frames are scaled
 * before encoding, its encoder, how far a viewer may fall behind before it skips to a keyframe,
 * whether viewers may send keyboard and mouse to a source that takes them ({@code input};
 * off unless asked for, since a viewer then controls the machine), and the media servers it is
 * pushed to ({@code push}).
 */
public record StreamSettings(String id, String source, Scaling scaling, EncoderSettings encoder,
                             ViewerLimits viewerLimits, boolean input, List<String> push) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /**
     * @param push URLs the stream is published to ({@code srt://}, {@code rtsp://}, {@code rtmp://}),
     *             each checked here, so a wrong one is an error at start
     */
    public StreamSettings {
        checkId(id);
        push = List.copyOf(push == null ? List.of() : push);
        for (String url : push) {
            try {
                PushTarget.parse(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("stream '" + id + "': " + e.getMessage(), e);
            }
        }
    }

    /** A stream pushed nowhere. */
    public StreamSettings(String id, String source, Scaling scaling, EncoderSettings encoder,
                          ViewerLimits viewerLimits, boolean input) {
        this(id, source, scaling, encoder, viewerLimits, input, List.of());
    }

    /** A watch-only stream: viewers' input is not taken. */
    public StreamSettings(String id, String source, Scaling scaling, EncoderSettings encoder,
                          ViewerLimits viewerLimits) {
        this(id, source, scaling, encoder, viewerLimits, false);
    }

    /** A watch-only stream at the source's own size, with the default viewer limits. */
    public StreamSettings(String id, String source, EncoderSettings encoder) {
        this(id, source, Scaling.none(), encoder, ViewerLimits.defaults());
    }

    /** The same stream, taking viewers' keyboard and mouse or not. */
    public StreamSettings withInput(boolean input) {
        return new StreamSettings(id, source, scaling, encoder, viewerLimits, input, push);
    }

    /** The same stream, published to these URLs ({@code --push}, {@code push:}). */
    public StreamSettings withPush(List<String> urls) {
        return new StreamSettings(id, source, scaling, encoder, viewerLimits, input, urls);
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
