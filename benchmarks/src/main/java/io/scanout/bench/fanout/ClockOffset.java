package io.scanout.bench.fanout;

/**
 * The offset between the server's clock and the load client's, estimated from PING/PONG as
 * {@code docs/protocol.md} says: for a ping sent at client time t0 whose pong, carrying server time
 * s, came back at t1, {@code offset = s − (t0 + t1) / 2}, off by at most half the round trip. Keeps
 * the sample with the smallest round trip seen. Thread-safe.
 */
final class ClockOffset {
    private long bestRoundTripMicros = Long.MAX_VALUE;
    private long offsetMicros;
    private int samples;

    /** One ping's answer: times in µs since the UNIX epoch, each on its own side's clock. */
    synchronized void sample(long sentClientMicros, long serverMicros, long receivedClientMicros) {
        samples++;
        long roundTrip = receivedClientMicros - sentClientMicros;
        if (roundTrip >= 0 && roundTrip < bestRoundTripMicros) {
            bestRoundTripMicros = roundTrip;
            offsetMicros = serverMicros - (sentClientMicros + receivedClientMicros) / 2;
        }
    }

    /** Server clock − client clock, µs; 0 until a pong came (one machine, so the clocks agree anyway). */
    synchronized long offsetMicros() {
        return offsetMicros;
    }

    /** The round trip of the sample in use: twice the offset's worst error. */
    synchronized long bestRoundTripMicros() {
        return bestRoundTripMicros;
    }

    synchronized int samples() {
        return samples;
    }
}
