package io.scanout.server.config;

/**
 * A configuration file Scanout cannot use. The message starts with {@code FILE:LINE: KEY:} so an
 * operator goes straight to the place.
 */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String file, int line, String key, String problem) {
        super(file + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + problem);
    }

    public ConfigException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
