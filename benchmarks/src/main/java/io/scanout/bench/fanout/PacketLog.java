package io.scanout.bench.fanout;

import java.util.Arrays;

/**
 * What one viewer received, one entry per PACKET, in primitive arrays that grow by doubling (no
 * object per packet): the sequence, the arrival on the client's clock, and the capture and send
 * times the server wrote into the message (server clock). All times µs since the UNIX epoch.
 * Guarded by its own monitor: the viewer's event loop appends, the benchmark reads at the end.
 */
final class PacketLog {
    private long[] sequence = new long[1024];
    private long[] arrival = new long[1024];
    private long[] capture = new long[1024];
    private long[] send = new long[1024];
    private int size;

    synchronized void add(long seq, long arrivalMicros, long captureMicros, long sendMicros) {
        if (size == sequence.length) {
            int grown = size * 2;
            sequence = Arrays.copyOf(sequence, grown);
            arrival = Arrays.copyOf(arrival, grown);
            capture = Arrays.copyOf(capture, grown);
            send = Arrays.copyOf(send, grown);
        }
        sequence[size] = seq;
        arrival[size] = arrivalMicros;
        capture[size] = captureMicros;
        send[size] = sendMicros;
        size++;
    }

    /** A copy of the entries that arrived in [{@code fromMicros}, {@code toMicros}) on the client's clock. */
    synchronized Window window(long fromMicros, long toMicros) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (arrival[i] >= fromMicros && arrival[i] < toMicros) {
                n++;
            }
        }
        Window w = new Window(new long[n], new long[n], new long[n], new long[n]);
        int j = 0;
        for (int i = 0; i < size; i++) {
            if (arrival[i] >= fromMicros && arrival[i] < toMicros) {
                w.sequence[j] = sequence[i];
                w.arrival[j] = arrival[i];
                w.capture[j] = capture[i];
                w.send[j] = send[i];
                j++;
            }
        }
        return w;
    }

    /** Parallel arrays, one index per packet; see {@link PacketLog}. */
    record Window(long[] sequence, long[] arrival, long[] capture, long[] send) {
        int packets() {
            return sequence.length;
        }
    }
}
