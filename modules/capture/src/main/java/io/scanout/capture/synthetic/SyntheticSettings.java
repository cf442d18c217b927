package io.scanout.capture.synthetic;

import io.scanout.capture.SourceUri;
import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a synthetic display shows: {@code synthetic:WIDTHxHEIGHT@FPS[?format=FOURCC]}, each part
 * optional, defaults {@code 1280x720@30} in {@code XR24}. Sizes {@value #MIN_WIDTH}x{@value #MIN_HEIGHT}
 * to {@value #MAX_WIDTH}x{@value #MAX_HEIGHT}, {@value #MIN_FPS} to {@value #MAX_FPS} frames per
 * second, any RGB {@link DrmFormat}.
 *
 * @param width  pixels
 * @param height pixels
 * @param fps    frames per second
 * @param format an RGB format
 */
public record SyntheticSettings(int width, int height, int fps, DrmFormat format) {
    public static final int MIN_WIDTH = 16;
    public static final int MIN_HEIGHT = 16;
    public static final int MAX_WIDTH = 7680;
    public static final int MAX_HEIGHT = 4320;
    public static final int MIN_FPS = 1;
    public static final int MAX_FPS = 240;
    /** The parameters a synthetic URI takes. */
    public static final Set<String> PARAMETERS = Set.of("format");

    private static final Pattern TARGET = Pattern.compile("(?:(\\d+)x(\\d+))?(?:@(\\d+))?");
    /** Longer numbers are out of every range here, and are reported as written rather than parsed. */
    private static final int MAX_DIGITS = 6;

    /** @throws IllegalArgumentException naming the value and the allowed range */
    public SyntheticSettings {
        if (width < MIN_WIDTH || height < MIN_HEIGHT || width > MAX_WIDTH || height > MAX_HEIGHT) {
            throw new IllegalArgumentException("size " + width + "x" + height + " is outside "
                    + MIN_WIDTH + "x" + MIN_HEIGHT + ".." + MAX_WIDTH + "x" + MAX_HEIGHT);
        }
        if (fps < MIN_FPS || fps > MAX_FPS) {
            throw new IllegalArgumentException("frame rate " + fps + " is outside " + MIN_FPS + ".." + MAX_FPS);
        }
        if (format == null || !format.isRgb()) {
            throw new IllegalArgumentException("format " + format + " is not one the synthetic source draws ("
                    + rgbCodes() + ")");
        }
    }

    /** 1280x720 at 30 frames per second, XR24. */
    public static SyntheticSettings defaults() {
        return new SyntheticSettings(1280, 720, 30, DrmFormat.XR24);
    }

    /**
     * The settings a {@code synthetic:} URI asks for.
     *
     * @throws IllegalArgumentException naming the URI and what is wrong in it
     */
    public static SyntheticSettings parse(SourceUri uri) {
        if (!uri.scheme().equals("synthetic")) {
            throw new IllegalArgumentException("source URI '" + uri + "' is not a synthetic: URI");
        }
        uri.requireKnownParams(PARAMETERS);
        Matcher m = TARGET.matcher(uri.target());
        if (!m.matches()) {
            throw new IllegalArgumentException("source URI '" + uri + "': the target is WIDTHxHEIGHT@FPS, e.g. "
                    + "synthetic:1280x720@30, not '" + uri.target() + "'");
        }
        SyntheticSettings d = defaults();
        String width = m.group(1) == null ? String.valueOf(d.width) : m.group(1);
        String height = m.group(2) == null ? String.valueOf(d.height) : m.group(2);
        String fps = m.group(3) == null ? String.valueOf(d.fps) : m.group(3);
        try {
            if (width.length() > MAX_DIGITS || height.length() > MAX_DIGITS) {
                throw new IllegalArgumentException("size " + width + "x" + height + " is outside "
                        + MIN_WIDTH + "x" + MIN_HEIGHT + ".." + MAX_WIDTH + "x" + MAX_HEIGHT);
            }
            if (fps.length() > MAX_DIGITS) {
                throw new IllegalArgumentException("frame rate " + fps + " is outside " + MIN_FPS + ".." + MAX_FPS);
            }
            DrmFormat format = parseFormat(uri.param("format").orElse(d.format.code()));
            return new SyntheticSettings(Integer.parseInt(width), Integer.parseInt(height), Integer.parseInt(fps), format);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("source URI '" + uri + "': " + e.getMessage(), e);
        }
    }

    private static DrmFormat parseFormat(String code) {
        for (DrmFormat f : DrmFormat.values()) {
            if (f.code().equals(code) || f.code().equals(code.toUpperCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("format '" + code + "' is unknown; the synthetic source draws " + rgbCodes());
    }

    private static String rgbCodes() {
        List<String> codes = new ArrayList<>();
        for (DrmFormat f : DrmFormat.values()) {
            if (f.isRgb()) {
                codes.add(f.code());
            }
        }
        return String.join(", ", codes);
    }

    public VideoFormat videoFormat() {
        return new VideoFormat(format, width, height);
    }

    /** Time between frames. */
    public long periodNanos() {
        return 1_000_000_000L / fps;
    }

    /** The URI these settings are written as, e.g. {@code synthetic:1280x720@30?format=XR24}. */
    public String toUri() {
        return "synthetic:" + width + "x" + height + "@" + fps + "?format=" + format.code();
    }
}
