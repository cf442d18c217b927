package io.scanout.server.cli;

import io.scanout.core.Codec;
import io.scanout.core.VideoFormat;
import io.scanout.encode.EncoderProbe;
import io.scanout.encode.EncoderProbe.VaapiReport;
import io.scanout.encode.ProbeResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scanout probe}: which encoders this host has, which of them open at a given size, and
 * why the others do not; the render nodes and what VAAPI offers on them.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Lists the encoders: built in, opens here at the given size, or why not; render nodes and VAAPI profiles.")
public final class ProbeCommand implements Callable<Integer> {
    private static final String ROW = "%-14s %-5s %-9s %-5s %-5s %s%n";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "1920x1080",
            description = "The frame size to open encoders at (default: ${DEFAULT-VALUE}).")
    String size;

    @Override
    public Integer call() {
        int[] wh;
        try {
            wh = VideoFormat.parseSize(size);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, ROW, "ENCODER", "CODEC", "KIND", "BUILT", "OPENS", "WHY NOT");
        for (Codec codec : Codec.values()) {
            for (ProbeResult r : EncoderProbe.probe(codec, wh[0], wh[1])) {
                out.printf(Locale.ROOT, ROW, r.name(), r.codec().id(), r.kind().name().toLowerCase(Locale.ROOT),
                        r.available() ? "yes" : "no", r.opens() ? "yes" : "no", r.opens() ? "" : r.reason());
            }
        }
        List<String> nodes = EncoderProbe.renderNodes();
        out.println();
        out.println("render nodes: " + (nodes.isEmpty() ? "none (no /dev/dri/renderD*)" : String.join(", ", nodes)));
        for (String node : nodes) {
            VaapiReport vaapi = EncoderProbe.vaapi(node);
            out.println("  " + node + ": " + (vaapi.opens()
                    ? "VAAPI " + vaapi.vendor() + ", profiles " + String.join(", ", vaapi.profiles())
                    : "VAAPI does not open: " + vaapi.reason()));
        }
        out.flush();
        return 0;
    }
}
