package io.scanout.encode;

import java.util.ArrayDeque;

/**
 * The frames sent to an encoder whose packets have not come out yet, by pts, so each packet gets
 * the sequence number and capture time of its own frame. Encoders without B-frames return packets
 * in pts order, usually one per frame; a frame the encoder dropped is passed over. Used by the
 * encoder thread only.
 */
final class PendingFrames {
    /** One frame in the encoder. */
    record Pending(long ptsMicros, long sequence, long captureNanos, long sentNanos) {
    }

    private final ArrayDeque<Pending> frames = new ArrayDeque<>();

    void add(Pending frame) {
        frames.addLast(frame);
    }

    /** The frame with this pts, forgetting earlier ones (the encoder dropped them); null if none. */
    Pending take(long ptsMicros) {
        while (!frames.isEmpty() && frames.peekFirst().ptsMicros() < ptsMicros) {
            frames.pollFirst();
        }
        Pending first = frames.peekFirst();
        return first != null && first.ptsMicros() == ptsMicros ? frames.pollFirst() : null;
    }

    void clear() {
        frames.clear();
    }

    int size() {
        return frames.size();
    }
}
