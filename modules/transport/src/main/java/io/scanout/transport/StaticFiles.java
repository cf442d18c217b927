package io.scanout.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The viewer page's files, read once from the classpath ({@code io/scanout/transport/web/}) when
 * the transport is built, so serving one never touches the disk from an event loop. Only the
 * names listed here are served: a request for anything else, {@code ..} included, finds nothing.
 * Immutable, thread-safe.
 */
final class StaticFiles {
    static final String BASE = "io/scanout/transport/web/";
    static final String INDEX = "index.html";

    private static final Map<String, String> TYPES = Map.of(
            INDEX, "text/html; charset=utf-8",
            "viewer.js", "text/javascript; charset=utf-8",
            "protocol.js", "text/javascript; charset=utf-8",
            "input.js", "text/javascript; charset=utf-8",
            "viewer.css", "text/css; charset=utf-8");

    /** A file and its {@code Content-Type}. */
    record StaticFile(String contentType, byte[] bytes) {
    }

    private final Map<String, StaticFile> files;

    private StaticFiles(Map<String, StaticFile> files) {
        this.files = files;
    }

    /**
     * @throws IllegalStateException if a listed file is missing from the classpath (a broken build)
     */
    static StaticFiles load() {
        ClassLoader loader = StaticFiles.class.getClassLoader();
        Map<String, StaticFile> files = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : TYPES.entrySet()) {
            try (InputStream in = loader.getResourceAsStream(BASE + e.getKey())) {
                if (in == null) {
                    throw new IllegalStateException("viewer page file " + BASE + e.getKey()
                            + " is missing from the classpath");
                }
                files.put(e.getKey(), new StaticFile(e.getValue(), in.readAllBytes()));
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read " + BASE + e.getKey(), ex);
            }
        }
        return new StaticFiles(Map.copyOf(files));
    }

    Optional<StaticFile> get(String name) {
        return Optional.ofNullable(files.get(name));
    }
}
