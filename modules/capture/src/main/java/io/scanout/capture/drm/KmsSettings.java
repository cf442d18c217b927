package io.scanout.capture.drm;

import io.scanout.capture.SourceUri;
import java.nio.file.Path;
import java.util.List;

/**
 * What a KMS source reads: {@code drm:/dev/dri/cardN[?fps=N&plane=ID&crtc=ID]}. With no plane
 * given, the first plane scanning out a framebuffer (on {@code crtc}, if given) is captured, as
 * ffmpeg's kmsgrab picks it.
 *
 * @param card  the card node
 * @param fps   captures per second
 * @param plane a plane id, 0 to pick one
 * @param crtc  a CRTC id to pick the plane on, 0 for any
 */
public record KmsSettings(Path card, int fps, int plane, int crtc) {
    public static final int MIN_FPS = 1;
    public static final int MAX_FPS = 240;
    public static final int DEFAULT_FPS = 60;
    public static final List<String> PARAMETERS = List.of("fps", "plane", "crtc");

    public KmsSettings {
        if (card == null) {
            throw new IllegalArgumentException("a drm source needs a card node, e.g. /dev/dri/card0");
        }
        if (fps < MIN_FPS || fps > MAX_FPS) {
            throw new IllegalArgumentException("frame rate " + fps + " is outside " + MIN_FPS + ".." + MAX_FPS);
        }
        if (plane < 0 || crtc < 0) {
            throw new IllegalArgumentException("plane and crtc ids are positive, not " + plane + " and " + crtc);
        }
    }

    /** @throws IllegalArgumentException naming the URI and what is wrong in it */
    public static KmsSettings parse(SourceUri uri) {
        if (!uri.scheme().equals("drm")) {
            throw new IllegalArgumentException("source URI '" + uri + "' is not a drm: URI");
        }
        uri.requireKnownParams(PARAMETERS);
        if (!uri.target().startsWith("/")) {
            throw new IllegalArgumentException("source URI '" + uri + "': a drm URI names a card node, e.g."
                    + " drm:/dev/dri/card0");
        }
        return new KmsSettings(Path.of(uri.target()), uri.intParam("fps", DEFAULT_FPS, MIN_FPS, MAX_FPS),
                uri.intParam("plane", 0, 0, Integer.MAX_VALUE), uri.intParam("crtc", 0, 0, Integer.MAX_VALUE));
    }

    public long periodNanos() {
        return 1_000_000_000L / fps;
    }

    public String toUri() {
        return "drm:" + card + "?fps=" + fps + (plane == 0 ? "" : "&plane=" + plane) + (crtc == 0 ? "" : "&crtc=" + crtc);
    }
}
