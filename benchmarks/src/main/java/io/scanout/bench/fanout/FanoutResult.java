package io.scanout.bench.fanout;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The figures of one fan-out run. CPU is in cores (1.0 = one core busy the whole window); latencies
 * in ms.
 *
 * @param viewers          viewers connected for the window
 * @param seconds          length of the measured window
 * @param viewerSide       what the viewers saw
 * @param encodedFps       frames the server's encoder took in per second ({@code scanout.frames.encoded})
 * @param droppedBehind    {@code scanout.frames.dropped{reason="viewer-behind"}} in the window
 * @param viewerSkips      {@code scanout.viewer.skips}: times a viewer was skipped to a keyframe
 * @param hubToSocketP50   server, {@code scanout.stage.latency{stage="send"}}: from the hub receiving
 *                         a packet from the encoder to its write to one viewer's socket completing
 * @param hubToSocketP99   the same, p99
 * @param captureToWireP50 server, {@code scanout.capture.to.wire}
 * @param encodeP50        server, {@code scanout.stage.latency{stage="encode"}}
 * @param serverCpu        the server process (utime + stime from /proc/PID/stat)
 * @param clientCpu        this load client's process
 * @param otherCpu         the rest of the machine (all CPUs' busy time − server − client)
 * @param loadAverage      1-minute load average at the end of the window
 * @param clockRoundTripMs the PING/PONG round trip behind the clock offset (twice its worst error)
 * @param protocolErrors   messages that broke the protocol's promises, over all viewers
 * @param failedViewers    viewers whose connection ended during the run
 */
record FanoutResult(int viewers, double seconds, ViewerSide viewerSide, double encodedFps, double droppedBehind,
                    double viewerSkips, double hubToSocketP50, double hubToSocketP99, double captureToWireP50,
                    double encodeP50, double serverCpu, double clientCpu, double otherCpu, double loadAverage,
                    double clockRoundTripMs, long protocolErrors, int failedViewers) {

    double fpsP5() {
        return ViewerSide.percentile(viewerSide.fpsSorted(), 0.05);
    }

    double fpsMedian() {
        return ViewerSide.percentile(viewerSide.fpsSorted(), 0.50);
    }

    /**
     * Server CPU time per frame the encoder took in, ms: capture, convert and encode of one frame plus
     * sending it to every viewer. Comparing runs with different viewer counts gives the cost of one
     * more viewer, whatever share of the machine the server got.
     */
    double serverCpuMillisPerFrame() {
        return encodedFps > 0 ? serverCpu * 1000 / encodedFps : Double.NaN;
    }

    double fpsMin() {
        return ViewerSide.percentile(viewerSide.fpsSorted(), 0);
    }

    void print(PrintStream out) {
        ViewerSide v = viewerSide;
        out.printf(Locale.ROOT, "%d viewers, %.1f s measured; encoder took %.1f fps; %d packets reached a viewer%n",
                viewers, seconds, encodedFps, v.distinctPackets());
        out.printf(Locale.ROOT, "delivered fps per viewer: min %.1f, p5 %.1f, median %.1f, max %.1f%n",
                fpsMin(), fpsP5(), fpsMedian(), ViewerSide.percentile(v.fpsSorted(), 1));
        out.printf(Locale.ROOT, "dropped (viewer-behind) %.0f, viewer skips to keyframe %.0f, failed viewers %d,"
                + " protocol errors %d%n", droppedBehind, viewerSkips, failedViewers, protocolErrors);
        out.printf(Locale.ROOT, "capture -> viewer: p50 %.1f ms, p99 %.1f ms%n",
                ViewerSide.percentileMillis(v.captureToReceive(), 0.5), ViewerSide.percentileMillis(v.captureToReceive(), 0.99));
        out.printf(Locale.ROOT, "fan-out, server: hub -> socket write done p50 %.1f ms, p99 %.1f ms"
                + " (encode p50 %.1f ms, capture -> wire p50 %.1f ms)%n",
                hubToSocketP50, hubToSocketP99, encodeP50, captureToWireP50);
        out.printf(Locale.ROOT, "fan-out, viewers: behind the first viewer p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                + " send time -> viewer p50 %.1f ms, p99 %.1f ms%n",
                ViewerSide.percentileMillis(v.behindFirst(), 0.5), ViewerSide.percentileMillis(v.behindFirst(), 0.99),
                ViewerSide.percentileMillis(v.behindFirst(), 1), ViewerSide.percentileMillis(v.sendToReceive(), 0.5),
                ViewerSide.percentileMillis(v.sendToReceive(), 0.99));
        out.printf(Locale.ROOT, "CPU (cores of %d): server %.2f (%.0f%%, %.1f ms per frame), load client %.2f,"
                + " rest of the machine %.2f; load average %.2f; clock offset from a %.2f ms round trip%n",
                Runtime.getRuntime().availableProcessors(), serverCpu, serverCpu * 100, serverCpuMillisPerFrame(),
                clientCpu, otherCpu, loadAverage, clockRoundTripMs);
    }

    static String markdownHeader() {
        return "| viewers | encoder fps | fps/viewer p5 | median | min | server CPU | ms CPU/frame | client CPU | rest | "
                + "capture→viewer p50 / p99 | hub→socket p50 / p99 | behind 1st viewer p50 / p99 | dropped "
                + "(viewer-behind) | load avg |\n"
                + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
    }

    String markdownRow() {
        ViewerSide v = viewerSide;
        return String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.0f%% | %.1f | %.0f%% | %.0f%% | %.1f / %.1f ms"
                        + " | %.1f / %.1f ms | %.1f / %.1f ms | %.0f | %.1f |",
                viewers, encodedFps, fpsP5(), fpsMedian(), fpsMin(), serverCpu * 100, serverCpuMillisPerFrame(),
                clientCpu * 100, otherCpu * 100,
                ViewerSide.percentileMillis(v.captureToReceive(), 0.5), ViewerSide.percentileMillis(v.captureToReceive(), 0.99),
                hubToSocketP50, hubToSocketP99,
                ViewerSide.percentileMillis(v.behindFirst(), 0.5), ViewerSide.percentileMillis(v.behindFirst(), 0.99),
                droppedBehind, loadAverage);
    }
}
