package io.scanout.capture.vfio;

import io.scanout.capture.SourceUri;
import java.util.List;
import java.util.Locale;

/**
 * What a VFIO source reads: {@code vfio:DEVICE[?fps=N&plane=auto|dmabuf|region]}, where DEVICE is
 * an mdev UUID, a PCI address or a sysfs path ({@link VfioDevices#sysfsPath}). The kernel has no
 * frame-ready event for these devices, so the primary plane is queried {@code fps} times a second
 * ({@value #MIN_FPS}..{@value #MAX_FPS}, default {@value #DEFAULT_FPS}). {@code plane} picks the
 * kind of plane; {@code auto} (default) probes dma-buf first, then region, as QEMU does.
 *
 * @param target the device as written
 * @param fps    queries per second
 * @param plane  which kind of plane to use, {@code null} for auto
 */
public record VfioSettings(String target, int fps, PlaneKind plane) {
    public static final int MIN_FPS = 1;
    public static final int MAX_FPS = 240;
    public static final int DEFAULT_FPS = 60;
    /** The parameters a vfio URI takes, in the order error messages list them. */
    public static final List<String> PARAMETERS = List.of("fps", "plane");

    /** @throws IllegalArgumentException naming the value and what is accepted */
    public VfioSettings {
        VfioDevices.sysfsPath(target);
        if (fps < MIN_FPS || fps > MAX_FPS) {
            throw new IllegalArgumentException("frame rate " + fps + " is outside " + MIN_FPS + ".." + MAX_FPS);
        }
    }

    /**
     * The settings a {@code vfio:} URI asks for; checks the URI only, opens nothing.
     *
     * @throws IllegalArgumentException naming the URI and the bad part
     */
    public static VfioSettings parse(SourceUri uri) {
        if (!uri.scheme().equals("vfio")) {
            throw new IllegalArgumentException("source URI '" + uri + "' is not a vfio: URI");
        }
        uri.requireKnownParams(PARAMETERS);
        try {
            String plane = uri.param("plane").orElse("auto").toLowerCase(Locale.ROOT);
            PlaneKind kind;
            switch (plane) {
                case "auto":
                    kind = null;
                    break;
                case "dmabuf":
                    kind = PlaneKind.DMABUF;
                    break;
                case "region":
                    kind = PlaneKind.REGION;
                    break;
                default:
                    throw new IllegalArgumentException("plane '" + plane + "' is not auto, dmabuf or region");
            }
            return new VfioSettings(uri.target(), uri.intParam("fps", DEFAULT_FPS, MIN_FPS, MAX_FPS), kind);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("source URI") ? e
                    : new IllegalArgumentException("source URI '" + uri + "': " + e.getMessage(), e);
        }
    }

    public long periodNanos() {
        return 1_000_000_000L / fps;
    }

    public String toUri() {
        return "vfio:" + target + "?fps=" + fps + "&plane=" + (plane == null ? "auto" : plane.name().toLowerCase(Locale.ROOT));
    }
}
