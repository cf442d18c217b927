package io.scanout.bench.fanout;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the viewers saw in the measured window, reduced to the figures the benchmark reports.
 * All latencies in µs, on the server's clock (arrivals moved by the PING/PONG offset).
 *
 * @param fpsSorted         delivered packets per second of each viewer, ascending
 * @param captureToReceive  per packet: arrival − capture time, sorted
 * @param sendToReceive     per packet: arrival − the server's send time (framed just before the
 *                          write), sorted: the socket, the kernel and the load client's own delay
 * @param behindFirst       per packet: its arrival at this viewer − its arrival at the first viewer
 *                          that got it, sorted: how much later than the luckiest viewer each one is
 *                          served, the spread fan-out adds
 * @param distinctPackets   packets (sequences) that at least one viewer received
 */
record ViewerSide(double[] fpsSorted, long[] captureToReceive, long[] sendToReceive, long[] behindFirst,
                  int distinctPackets) {

    static ViewerSide of(List<PacketLog.Window> windows, double seconds, long offsetMicros) {
        double[] fps = new double[windows.size()];
        int total = 0;
        Map<Long, Long> firstArrival = new HashMap<>();
        for (int v = 0; v < windows.size(); v++) {
            PacketLog.Window w = windows.get(v);
            fps[v] = w.packets() / seconds;
            total += w.packets();
            for (int i = 0; i < w.packets(); i++) {
                firstArrival.merge(w.sequence()[i], w.arrival()[i], Math::min);
            }
        }
        long[] captureToReceive = new long[total];
        long[] sendToReceive = new long[total];
        long[] behindFirst = new long[total];
        int k = 0;
        for (PacketLog.Window w : windows) {
            for (int i = 0; i < w.packets(); i++, k++) {
                long arrival = w.arrival()[i] + offsetMicros;
                captureToReceive[k] = arrival - w.capture()[i];
                sendToReceive[k] = arrival - w.send()[i];
                behindFirst[k] = w.arrival()[i] - firstArrival.get(w.sequence()[i]);
            }
        }
        Arrays.sort(fps);
        Arrays.sort(captureToReceive);
        Arrays.sort(sendToReceive);
        Arrays.sort(behindFirst);
        return new ViewerSide(fps, captureToReceive, sendToReceive, behindFirst, firstArrival.size());
    }

    /** Nearest-rank percentile ({@code p} in 0..1) of an ascending array; NaN if empty. */
    static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[rank(sorted.length, p)];
    }

    /** Nearest-rank percentile in ms of an ascending array of µs; NaN if empty. */
    static double percentileMillis(long[] sortedMicros, double p) {
        return sortedMicros.length == 0 ? Double.NaN : sortedMicros[rank(sortedMicros.length, p)] / 1000.0;
    }

    private static int rank(int n, double p) {
        return Math.max(0, Math.min(n - 1, (int) Math.ceil(p * n) - 1));
    }
}
