package io.scanout.server;

import io.scanout.convert.Colorimetry;
import io.scanout.convert.ConvertSettings;
import io.scanout.convert.DetectChanges;
import io.scanout.convert.Scaling;
import io.scanout.core.DrmFormat;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderSettings;
import io.scanout.transport.ViewerLimits;
import io.scanout.transport.push.PushTarget;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One stream: its id (the {@code /streams/{id}} path), its source URI, how its frames are scaled
 * before encoding, its encoder, how far a viewer may fall behind before it skips to a keyframe,
 * whether viewers may send keyboard and mouse to a source that takes them ({@code input};
 * off unless asked for, since a viewer then controls the machine), and the media servers it is
 * pushed to ({@code push}), how often an unchanged screen is still sent ({@code keepAlive}) and
 * the part of the source's picture kept ({@code crop}). The YUV colour is the encoder's
 * ({@link EncoderSettings#colour()}); the convert stage writes what the encoder signals.
 */
public record StreamSettings(String id, String source, Scaling scaling, EncoderSettings encoder,
                             ViewerLimits viewerLimits, boolean input, List<String> push, Duration keepAlive,
                             Optional<Rect> crop) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** The longest keep-alive interval taken: past this a viewer's player has long given up. */
    public static final Duration MAX_KEEP_ALIVE = Duration.ofHours(1);
    private static final Pattern KEEP_ALIVE = Pattern.compile("([0-9]{1,7})(ms|s|m)?");
    private static final Pattern CROP = Pattern.compile("([0-9]{1,5})x([0-9]{1,5})\\+([0-9]{1,5})\\+([0-9]{1,5})");

    /**
     * @param push URLs the stream is published to ({@code srt://}, {@code rtsp://}, {@code rtmp://}),
     *             each checked here, so a wrong one is an error at start
     */
    public StreamSettings {
        checkId(id);
        push = List.copyOf(push == null ? List.of() : push);
        keepAlive = keepAlive == null ? DetectChanges.DEFAULT_KEEP_ALIVE : keepAlive;
        if (keepAlive.isNegative() || keepAlive.compareTo(MAX_KEEP_ALIVE) > 0) {
            throw new IllegalArgumentException("stream '" + id + "': keep-alive " + keepAlive + " is outside 0..1h");
        }
        crop = crop == null ? Optional.empty() : crop;
        if (crop.isPresent() && crop.get().isEmpty()) {
            throw new IllegalArgumentException("stream '" + id + "': an empty crop leaves nothing to encode");
        }
        for (String url : push) {
            try {
                PushTarget.parse(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("stream '" + id + "': " + e.getMessage(), e);
            }
        }
    }

    /** A stream with the default keep-alive (1 s) and no crop. */
    public StreamSettings(String id, String source, Scaling scaling, EncoderSettings encoder,
                          ViewerLimits viewerLimits, boolean input, List<String> push) {
        this(id, source, scaling, encoder, viewerLimits, input, push, DetectChanges.DEFAULT_KEEP_ALIVE,
                Optional.empty());
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
        return new StreamSettings(id, source, scaling, encoder, viewerLimits, input, push, keepAlive, crop);
    }

    /** The same stream, published to these URLs ({@code --push}, {@code push:}). */
    public StreamSettings withPush(List<String> urls) {
        return new StreamSettings(id, source, scaling, encoder, viewerLimits, input, urls, keepAlive, crop);
    }

    /**
     * The same stream sending an unchanged screen again every {@code interval} ({@code --keep-alive},
     * {@code keep-alive:}); {@link Duration#ZERO} never does.
     */
    public StreamSettings withKeepAlive(Duration interval) {
        return new StreamSettings(id, source, scaling, encoder, viewerLimits, input, push, interval, crop);
    }

    /** The same stream keeping only {@code region} of the source's picture, or all of it when empty. */
    public StreamSettings withCrop(Optional<Rect> region) {
        return new StreamSettings(id, source, scaling, encoder, viewerLimits, input, push, keepAlive, region);
    }

    /** What the convert stage is told: the encoder's format, this stream's colour, crop and scaling. */
    ConvertSettings convertSettings(DrmFormat encoderInput) {
        return convertSettings(encoderInput, Optional.empty());
    }

    /**
     * The same, with frames of more than 8 bits per component converted to {@code highDepth} (P010
     * when the encoder takes them at 10 bits, {@code EncodeVideo.highDepthFormat()}).
     */
    ConvertSettings convertSettings(DrmFormat encoderInput, Optional<DrmFormat> highDepth) {
        ConvertSettings settings = ConvertSettings.to(encoderInput)
                .withColorimetry(Colorimetry.parse(encoder.colour().id()))
                .withScaling(scaling);
        settings = highDepth.map(settings::withHighDepthTarget).orElse(settings);
        return crop.map(settings::withCrop).orElse(settings);
    }

    /**
     * Parses a crop {@code WxH+X+Y} (X11 geometry: size, then the top-left corner in source pixels),
     * e.g. {@code 1280x720+0+0}. Checked here for form only: the source's size is known once frames
     * arrive, and a crop that does not fit them drops those frames with a logged error.
     */
    public static Rect parseCrop(String text) {
        Matcher m = text == null ? null : CROP.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("a crop is WxH+X+Y in source pixels, e.g. 1280x720+0+0, not '"
                    + text + "'");
        }
        Rect r = new Rect(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)));
        if (r.isEmpty()) {
            throw new IllegalArgumentException("crop " + text + " is empty; it leaves nothing to encode");
        }
        return r;
    }

    /**
     * Parses a keep-alive interval: a number with {@code ms}, {@code s} or {@code m}, e.g. {@code 1s},
     * {@code 500ms}; {@code 0} turns keep-alive frames off. At most an hour.
     */
    public static Duration parseKeepAlive(String text) {
        Matcher m = text == null ? null : KEEP_ALIVE.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("a keep-alive is a duration like 1s, 500ms or 2m (0 turns it off),"
                    + " not '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        if (unit.isEmpty() && amount != 0) {
            throw new IllegalArgumentException("keep-alive " + text + " needs a unit: ms, s or m");
        }
        Duration interval = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (interval.compareTo(MAX_KEEP_ALIVE) > 0) {
            throw new IllegalArgumentException("keep-alive " + text + " is longer than an hour");
        }
        return interval;
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
