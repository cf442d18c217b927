package io.scanout.transport.security;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the streaming connections (viewer WebSockets, {@code .ts}/{@code .mp4} downloads, RFB over
 * WebSocket) per client address and in total, so one client cannot take every connection the
 * server can hold. The address is the TCP peer's: behind a reverse proxy every viewer is the
 * proxy, so raise the per-client limit there. Thread-safe, non-blocking.
 */
public final class ConnectionLimits {
    private final int perClient;
    private final int total;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byClient = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();

    /**
     * @throws IllegalArgumentException for a limit below 1
     */
    public ConnectionLimits(int perClient, int total) {
        if (perClient < 1 || total < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1, not " + perClient + " per client"
                    + " and " + total + " in total");
        }
        this.perClient = perClient;
        this.total = total;
    }

    /** Why a connection was refused. */
    public enum Refusal { PER_CLIENT, TOTAL }

    /** One counted connection; {@link #close()} (idempotent) gives its place back. */
    public final class Lease implements AutoCloseable {
        private final InetAddress client;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(InetAddress client) {
            this.client = client;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release(client);
            }
        }
    }

    /** A result: a lease, or the refusal. */
    public record Acquired(Lease lease, Refusal refusal) {
    }

    /** Takes a place for a connection from {@code client}, or says why there is none. */
    public Acquired tryAcquire(InetAddress client) {
        if (active.incrementAndGet() > total) {
            active.decrementAndGet();
            return new Acquired(null, Refusal.TOTAL);
        }
        boolean[] taken = {false};
        byClient.compute(client, (address, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < perClient) {
                c.incrementAndGet();
                taken[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        if (!taken[0]) {
            active.decrementAndGet();
            return new Acquired(null, Refusal.PER_CLIENT);
        }
        return new Acquired(new Lease(client), null);
    }

    private void release(InetAddress client) {
        byClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() == 0 ? null : count);
        active.decrementAndGet();
    }

    /** Connections counted now. */
    public int active() {
        return active.get();
    }

    public int perClient() {
        return perClient;
    }

    public int total() {
        return total;
    }
}
