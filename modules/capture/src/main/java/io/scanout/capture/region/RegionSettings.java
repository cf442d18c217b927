package io.scanout.capture.region;

import io.scanout.capture.SourceUri;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a region source reads: {@code region:PATH[?fps=N&timeout=MS]}, e.g.
 * {@code region:/dev/shm/scanout-fb?fps=60}, or a region of a VFIO device,
 * {@code region:DEVICE?vfio-region=N} (DEVICE an mdev UUID, a PCI address or a sysfs path, as
 * {@link io.scanout.capture.vfio.VfioDevices#sysfsPath} takes it). {@code fps} is how often a frame is asked for
 * ({@value #MIN_FPS}..{@value #MAX_FPS}, default {@value #DEFAULT_FPS}); {@code timeout} is how
 * long the producer may take to answer one request before the source fails
 * ({@value #MIN_TIMEOUT_MILLIS}..{@value #MAX_TIMEOUT_MILLIS} ms, default {@value #DEFAULT_TIMEOUT_MILLIS}).
 *
 * @param target        the region file, e.g. in {@code /dev/shm}; or the VFIO device
 * @param fps           requests per second
 * @param timeoutMillis how long one request may stay unanswered
 * @param vfioRegion    the index of the VFIO device region holding the protocol; -1 for a file
 */
public record RegionSettings(String target, int fps, int timeoutMillis, int vfioRegion) {
    public static final int MIN_FPS = 1;
    public static final int MAX_FPS = 240;
    public static final int DEFAULT_FPS = 60;
    public static final int MIN_TIMEOUT_MILLIS = 10;
    public static final int MAX_TIMEOUT_MILLIS = 600_000;
    public static final int DEFAULT_TIMEOUT_MILLIS = 2_000;
    /** The parameters a region URI takes, in the order error messages list them. */
    public static final List<String> PARAMETERS = List.of("fps", "timeout", "vfio-region");

    /** @throws IllegalArgumentException naming the value and the allowed range */
    public RegionSettings {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("a region source needs a file or a VFIO device");
        }
        if (vfioRegion < -1) {
            throw new IllegalArgumentException("VFIO region index " + vfioRegion + " is negative");
        }
        if (vfioRegion >= 0) {
            io.scanout.capture.vfio.VfioDevices.sysfsPath(target);
        } else {
            try {
                Path.of(target);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + target + "' is not a path (" + e.getReason() + ")", e);
            }
        }
        if (fps < MIN_FPS || fps > MAX_FPS) {
            throw new IllegalArgumentException("frame rate " + fps + " is outside " + MIN_FPS + ".." + MAX_FPS);
        }
        if (timeoutMillis < MIN_TIMEOUT_MILLIS || timeoutMillis > MAX_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException("timeout " + timeoutMillis + " ms is outside " + MIN_TIMEOUT_MILLIS
                    + ".." + MAX_TIMEOUT_MILLIS + " ms");
        }
    }

    /** A region file. */
    public RegionSettings(Path path, int fps, int timeoutMillis) {
        this(path.toString(), fps, timeoutMillis, -1);
    }

    /** Polls {@code path} at {@value #DEFAULT_FPS} fps with a {@value #DEFAULT_TIMEOUT_MILLIS} ms timeout. */
    public static RegionSettings of(Path path) {
        return new RegionSettings(path, DEFAULT_FPS, DEFAULT_TIMEOUT_MILLIS);
    }

    /**
     * The settings a {@code region:} URI asks for. Checks the URI only: the file need not exist
     * yet (a producer may start after the server).
     *
     * @throws IllegalArgumentException naming the URI and what is wrong in it
     */
    public static RegionSettings parse(SourceUri uri) {
        if (!uri.scheme().equals("region")) {
            throw new IllegalArgumentException("source URI '" + uri + "' is not a region: URI");
        }
        uri.requireKnownParams(PARAMETERS);
        if (uri.target().isBlank()) {
            throw new IllegalArgumentException("source URI '" + uri + "': a region URI names a file, e.g. "
                    + "region:/dev/shm/scanout-fb?fps=60");
        }
        try {
            return new RegionSettings(uri.target(),
                    uri.intParam("fps", DEFAULT_FPS, MIN_FPS, MAX_FPS),
                    uri.intParam("timeout", DEFAULT_TIMEOUT_MILLIS, MIN_TIMEOUT_MILLIS, MAX_TIMEOUT_MILLIS),
                    uri.intParam("vfio-region", -1, 0, 1 << 20));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("source URI") ? e
                    : new IllegalArgumentException("source URI '" + uri + "': " + e.getMessage(), e);
        }
    }

    /** Whether the region is a VFIO device's rather than a file. */
    public boolean isVfio() {
        return vfioRegion >= 0;
    }

    /** The region file; only for a file region. */
    public Path path() {
        if (isVfio()) {
            throw new IllegalStateException("region " + name() + " is a VFIO device region, not a file");
        }
        return Path.of(target);
    }

    /** The region's name in messages: the file's path, or {@code region N of DEVICE}. */
    public String name() {
        return isVfio() ? "region " + vfioRegion + " of " + target : target;
    }

    /** Time between requests. */
    public long periodNanos() {
        return 1_000_000_000L / fps;
    }

    public long timeoutNanos() {
        return timeoutMillis * 1_000_000L;
    }

    /** The URI these settings are written as. */
    public String toUri() {
        return "region:" + target + "?fps=" + fps + "&timeout=" + timeoutMillis + (isVfio() ? "&vfio-region=" + vfioRegion : "");
    }
}
