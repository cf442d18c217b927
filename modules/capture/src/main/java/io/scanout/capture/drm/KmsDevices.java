package io.scanout.capture.drm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Opens DRM cards for scanout capture and lists those present. */
public final class KmsDevices {
    public static final Path DRI = Path.of("/dev/dri");

    private KmsDevices() {
    }

    /**
     * Opens a card node, e.g. {@code /dev/dri/card0}, with universal planes on. Blocks for a few
     * system calls.
     *
     * @throws DrmException naming the node and the errno
     */
    public static KmsDevice open(Path card) {
        return DrmKmsDevice.open(card);
    }

    /** The card nodes ({@code /dev/dri/card*}) here, sorted; empty without DRM. */
    public static List<Path> cards() {
        if (!Files.isDirectory(DRI)) {
            return List.of();
        }
        try (Stream<Path> nodes = Files.list(DRI)) {
            return nodes.filter(p -> p.getFileName().toString().matches("card\\d+")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + DRI, e);
        }
    }
}
