package io.scanout.capture.x11;

import io.scanout.capture.SourceUri;
import java.util.Locale;
import java.util.Set;

/**
 * What an X11 source captures: {@code x11:DISPLAY[?fps=N&damage=0]}, e.g. {@code x11::99} (display
 * {@code :99}), {@code x11:99} (the same), {@code x11::0.1} (screen 1), {@code x11:otherhost:0}.
 *
 * @param display the X display name as {@code XOpenDisplay} takes it
 * @param fps     most frames a second, {@value #MIN_FPS}..{@value #MAX_FPS}, default 30
 * @param damage  whether to use the DAMAGE extension, when the server has it, to capture only when
 *                something changed and report what; without it every frame has whole damage
 */
public record X11Settings(String display, int fps, boolean damage) {
    public static final int MIN_FPS = 1;
    public static final int MAX_FPS = 240;
    public static final Set<String> PARAMETERS = Set.of("fps", "damage");

    public X11Settings {
        if (display == null || display.isBlank() || display.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("an X display is ':N' or 'HOST:N', not '" + display + "'");
        }
        if (fps < MIN_FPS || fps > MAX_FPS) {
            throw new IllegalArgumentException("frame rate " + fps + " is outside " + MIN_FPS + ".." + MAX_FPS);
        }
    }

    /**
     * The settings an {@code x11:} URI asks for.
     *
     * @throws IllegalArgumentException naming the URI and what is wrong in it
     */
    public static X11Settings parse(SourceUri uri) {
        if (!uri.scheme().equals("x11")) {
            throw new IllegalArgumentException("source URI '" + uri + "' is not an x11: URI");
        }
        uri.requireKnownParams(PARAMETERS);
        try {
            String target = uri.target();
            String display = target.isEmpty() || target.indexOf(':') >= 0 ? target : ":" + target;
            String damage = uri.param("damage").orElse("1").toLowerCase(Locale.ROOT);
            if (!damage.equals("1") && !damage.equals("0")) {
                throw new IllegalArgumentException("parameter 'damage' must be 1 or 0, not '" + damage + "'");
            }
            return new X11Settings(display, uri.intParam("fps", 30, MIN_FPS, MAX_FPS), damage.equals("1"));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.startsWith("source URI")
                    ? message : "source URI '" + uri + "': " + message, e);
        }
    }

    /** The display's screen number: what follows the '.' after the display number, else 0. */
    int screen() {
        int colon = display.lastIndexOf(':');
        int dot = display.indexOf('.', colon);
        if (dot < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(display.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("X display '" + display + "' has no screen number after its '.'", e);
        }
    }

    public String toUri() {
        return "x11:" + display + "?fps=" + fps + (damage ? "" : "&damage=0");
    }
}
