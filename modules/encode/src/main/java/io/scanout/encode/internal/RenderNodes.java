package io.scanout.encode.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The DRM render nodes of this host, {@code /dev/dri/renderD*}, in number order. Stateless, thread-safe. */
public final class RenderNodes {
    /** The first render node's usual name, what FFmpeg's VAAPI tries first. */
    public static final String DEFAULT = "/dev/dri/renderD128";
    private static final Path DRI = Path.of("/dev/dri");

    private RenderNodes() {
    }

    /** The render nodes, e.g. {@code [/dev/dri/renderD128]}; empty when there is no {@code /dev/dri}. */
    public static List<String> list() {
        List<String> nodes = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(DRI, "renderD*")) {
            for (Path node : dir) {
                nodes.add(node.toString());
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DRI, e);
        }
        // renderD128 before renderD129 before renderD1000: by number, not by text.
        nodes.sort((a, b) -> Integer.compare(number(a), number(b)));
        return List.copyOf(nodes);
    }

    private static int number(String node) {
        String digits = node.substring(node.lastIndexOf("renderD") + "renderD".length());
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
