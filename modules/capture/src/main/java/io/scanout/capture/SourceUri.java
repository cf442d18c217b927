package io.scanout.capture;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A source URI, {@code scheme:target?key=value&key2=value2}: {@code synthetic:1280x720@30?format=XR24},
 * {@code vnc://host:5900?password=x}, {@code region:/dev/shm/fb?fps=60}, {@code x11::99}.
 *
 * <p>The scheme is case-insensitive (kept in lower case). A target written {@code //authority}
 * loses its two slashes ({@code vnc://host:5900} has target {@code host:5900}). The target and the
 * values are %-decoded ({@code %3F} for a {@code ?} in a path); a {@code +} stays a {@code +}.
 *
 * <p>{@link #toString()} masks secret values ({@code password}, {@code secret}, {@code token})
 * and user info ({@code user:pass@}), so a URI can go into logs and error messages. Immutable.
 */
public final class SourceUri {
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");
    private static final Set<String> SECRET_KEYS = Set.of("password", "secret", "token");
    private static final String EXAMPLE = "e.g. synthetic:1280x720@30";

    private final String scheme;
    private final String target;
    private final Map<String, String> params;
    private final String shown;

    private SourceUri(String scheme, String target, Map<String, String> params, String shown) {
        this.scheme = scheme;
        this.target = target;
        this.params = params;
        this.shown = shown;
    }

    /**
     * Parses a URI.
     *
     * @throws IllegalArgumentException with a one-line message saying what is wrong and where
     */
    public static SourceUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("a source URI is SCHEME:TARGET[?KEY=VALUE&...], " + EXAMPLE
                    + ", not an empty string");
        }
        for (int i = 0; i < uri.length(); i++) {
            if (uri.charAt(i) < 0x20 || uri.charAt(i) == 0x7f) {
                throw new IllegalArgumentException("source URI '" + uri.replaceAll("\\p{Cntrl}", "?")
                        + "' holds a control character at position " + i);
            }
        }
        int colon = uri.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("source URI '" + uri + "' has no scheme: write SCHEME:TARGET, " + EXAMPLE);
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!SCHEME.matcher(scheme).matches()) {
            throw new IllegalArgumentException("source URI '" + uri + "': scheme '" + uri.substring(0, colon)
                    + "' must start with a letter and hold only letters, digits, '+', '-' or '.'");
        }
        int question = uri.indexOf('?', colon + 1);
        String rawTarget = question < 0 ? uri.substring(colon + 1) : uri.substring(colon + 1, question);
        String rawQuery = question < 0 ? "" : uri.substring(question + 1);
        boolean authority = rawTarget.startsWith("//");
        String shownTarget = authority ? "//" + maskUserInfo(rawTarget.substring(2)) : rawTarget;

        List<String> pairs = rawQuery.isEmpty() ? List.of() : List.of(rawQuery.split("&", -1));
        Map<String, String> params = new LinkedHashMap<>();
        List<String> shownPairs = new ArrayList<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            shownPairs.add(SECRET_KEYS.contains(key.toLowerCase(Locale.ROOT)) ? key + "=***" : pair);
        }
        String shown = scheme + ":" + shownTarget + (question < 0 ? "" : "?" + String.join("&", shownPairs));
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("source URI '" + shown + "': a parameter has no name"
                        + " (write KEY=VALUE, separated by '&')");
            }
            String value = decode(eq < 0 ? "" : pair.substring(eq + 1), shown, "parameter '" + key + "'");
            if (params.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("source URI '" + shown + "': parameter '" + key + "' is given twice");
            }
        }
        String target = decode(authority ? rawTarget.substring(2) : rawTarget, shown, "the target");
        return new SourceUri(scheme, target, Collections.unmodifiableMap(params), shown);
    }

    private static String maskUserInfo(String authority) {
        int at = authority.lastIndexOf('@');
        return at < 0 ? authority : "***@" + authority.substring(at + 1);
    }

    private static String decode(String text, String shown, String where) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        // '%' and hex digits are ASCII, so escapes can be undone on the UTF-8 bytes.
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '%') {
                out.write(in[i]);
                continue;
            }
            int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
            if (lo < 0) {
                throw new IllegalArgumentException("source URI '" + shown + "': a '%' in " + where
                        + " is not followed by two hex digits (write %25 for a '%')");
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The scheme in lower case: {@code synthetic}, {@code vnc}. */
    public String scheme() {
        return scheme;
    }

    /** What follows the scheme, before any {@code ?}, decoded; may be empty. */
    public String target() {
        return target;
    }

    /** A parameter's decoded value; a key given without {@code =} has the empty value. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** Every parameter, in the order given. */
    public Map<String, String> params() {
        return params;
    }

    /**
     * A whole-number parameter in {@code min..max}, or {@code defaultValue} when absent.
     *
     * @throws IllegalArgumentException naming the URI, the key and the allowed range
     */
    public int intParam(String name, int defaultValue, int min, int max) {
        String value = params.get(name);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("source URI '" + this + "': parameter '" + name
                    + "' must be a whole number in " + min + ".." + max + ", not '" + shownValue(name, value) + "'", e);
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("source URI '" + this + "': parameter '" + name + "' must be in "
                    + min + ".." + max + ", not " + shownValue(name, value));
        }
        return (int) parsed;
    }

    private static String shownValue(String name, String value) {
        return SECRET_KEYS.contains(name.toLowerCase(Locale.ROOT)) ? "***" : value;
    }

    /**
     * Checks that every parameter given is one the source knows, so a typo ({@code fromat=})
     * is an error rather than silently ignored.
     *
     * @throws IllegalArgumentException naming the unknown key and listing the known ones
     */
    public void requireKnownParams(Collection<String> known) {
        for (String key : params.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("source URI '" + this + "': unknown parameter '" + key
                        + "' for " + scheme + " (known: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceUri && ((SourceUri) o).scheme.equals(scheme)
                && ((SourceUri) o).target.equals(target) && ((SourceUri) o).params.equals(params);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * scheme.hashCode() + target.hashCode()) + params.hashCode();
    }

    /** The URI as written, with secret values and user info masked. */
    @Override
    public String toString() {
        return shown;
    }
}
