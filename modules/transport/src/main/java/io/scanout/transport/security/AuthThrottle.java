package io.scanout.transport.security;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password and token guessing: after {@link Policy#threshold()} consecutive failed
 * authentications from one client address, that address is refused — without its credentials
 * being looked at — for a block that starts at {@link Policy#firstBlock()} and doubles, up to
 * {@link Policy#maxBlock()}, with every further failure while blocked or right after. An attempt
 * made while blocked is such a failure: a client that waits as long as it was told gets its
 * chance; one that keeps hammering only extends its own block. A success forgets the address.
 * This is the blacklist of TigerVNC ({@code BlacklistThreshold}, {@code BlacklistTimeout}), shared
 * by RFB (VNC Authentication, plain or inside VeNCrypt) and HTTP (bearer tokens, signed URLs).
 *
 * <p>Addresses: an IPv4 address is one client; an IPv6 address is counted by its /64, because one
 * host usually holds a whole /64 and could otherwise take a fresh address for every guess. Every
 * address is counted, loopback included (as TigerVNC does): behind a reverse proxy on the same
 * machine every client is 127.0.0.1, and exempting it would switch the protection off exactly
 * there. The price is that one misbehaving client behind such a proxy (or one local script) blocks
 * everyone who shares its address until the block ends.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are remembered (least recently
 * active forgotten first), and an address that has not failed for {@link Policy#maxBlock()} after
 * its block ended starts afresh.
 *
 * <p>Meters ({@link #bindTo}): {@code scanout.auth.failures} — credentials checked and found wrong
 * — and {@code scanout.auth.blocked} — attempts refused unchecked because their address was
 * blocked — both counters tagged {@code protocol=rfb|http}. A WARN is logged once each time an
 * address becomes blocked, never per attempt.
 *
 * <p>Thread-safe; each call takes one short lock and never blocks on I/O, so event loops may call
 * it. One instance is meant to be shared by every listener of a server.
 */
public final class AuthThrottle implements MeterBinder {
    private static final Logger log = LoggerFactory.getLogger(AuthThrottle.class);

    /** Addresses remembered at most: about 1.5 MB of heap. */
    public static final int DEFAULT_MAX_ADDRESSES = 10_000;
    /** Expired entries looked at, from the oldest, before the least recently active one is evicted. */
    private static final int EXPIRED_SCAN = 16;

    /** Where credentials were checked: the tag of the meters. */
    public enum Protocol {
        /** VNC Authentication over TCP or WebSocket. */
        RFB("rfb"),
        /** Bearer tokens and signed URLs, WebSocket upgrades included. */
        HTTP("http");

        private final String tag;

        Protocol(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /**
     * How many failures block an address and for how long. Immutable.
     *
     * @param threshold  consecutive failures that block an address; 0 turns throttling off
     * @param firstBlock the first block, at least a second
     * @param maxBlock   the longest block, at least {@code firstBlock}, at most a day
     */
    public record Policy(int threshold, Duration firstBlock, Duration maxBlock) {
        public static final int DEFAULT_THRESHOLD = 5;
        public static final Duration DEFAULT_FIRST_BLOCK = Duration.ofSeconds(10);
        public static final Duration DEFAULT_MAX_BLOCK = Duration.ofMinutes(10);
        /** TigerVNC's numbers: 5 failures, then 10 s, doubling, here capped at 10 minutes. */
        public static final Policy DEFAULT = new Policy(DEFAULT_THRESHOLD, DEFAULT_FIRST_BLOCK, DEFAULT_MAX_BLOCK);
        /** No throttling (failures are still counted in the meters). */
        public static final Policy OFF = new Policy(0, DEFAULT_FIRST_BLOCK, DEFAULT_MAX_BLOCK);

        /**
         * @throws IllegalArgumentException naming the value that is out of range
         */
        public Policy {
            if (threshold < 0 || threshold > 1000) {
                throw new IllegalArgumentException("the number of authentication failures that blocks an address"
                        + " must be 0 (off) to 1000, not " + threshold);
            }
            if (firstBlock == null || maxBlock == null || firstBlock.compareTo(Duration.ofSeconds(1)) < 0
                    || maxBlock.compareTo(firstBlock) < 0 || maxBlock.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("an authentication block must last from 1 s to "
                        + (maxBlock == null ? "?" : maxBlock.toSeconds()) + " s (at most a day), not "
                        + (firstBlock == null ? "?" : firstBlock.toSeconds() + " s"));
            }
        }

        /** {@code threshold} failures block an address for {@code firstBlock}, doubling up to 10 minutes. */
        public static Policy of(int threshold, Duration firstBlock) {
            return new Policy(threshold, firstBlock, DEFAULT_MAX_BLOCK);
        }

        public boolean enabled() {
            return threshold > 0;
        }
    }

    /** What the throttle knows of one address (or IPv6 /64). Guarded by the throttle's lock. */
    private static final class Entry {
        int failures;
        /** The length of the current (or last) block; 0 before the first. */
        long blockNanos;
        /** Meaningful when {@code blockNanos > 0}. */
        long blockedUntil;
        long lastFailure;

        void countFailure(long now) {
            failures = failures == Integer.MAX_VALUE ? failures : failures + 1; // a long siege must not wrap
            lastFailure = now;
        }
    }

    private final Policy policy;
    private final LongSupplier nanoTime;
    private final int maxAddresses;
    private final long firstBlockNanos;
    private final long maxBlockNanos;
    private final LinkedHashMap<InetAddress, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<Protocol, LongAdder> failures = adders();
    private final Map<Protocol, LongAdder> blocked = adders();

    /** A throttle on the system's monotonic clock. */
    public AuthThrottle(Policy policy) {
        this(policy, System::nanoTime);
    }

    /**
     * A throttle on another clock (tests pass a fake one and need no sleeping).
     *
     * @param nanoTime a monotonic clock in nanoseconds, like {@link System#nanoTime()}
     */
    public AuthThrottle(Policy policy, LongSupplier nanoTime) {
        this(policy, nanoTime, DEFAULT_MAX_ADDRESSES);
    }

    AuthThrottle(Policy policy, LongSupplier nanoTime, int maxAddresses) {
        if (policy == null || nanoTime == null || maxAddresses < 1) {
            throw new IllegalArgumentException("a policy, a clock and room for at least one address are required");
        }
        this.policy = policy;
        this.nanoTime = nanoTime;
        this.maxAddresses = maxAddresses;
        this.firstBlockNanos = policy.firstBlock().toNanos();
        this.maxBlockNanos = policy.maxBlock().toNanos();
    }

    /** A throttle that never blocks (its meters still count failures). */
    public static AuthThrottle off() {
        return new AuthThrottle(Policy.OFF);
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Asks before checking {@code client}'s credentials. 0: go ahead and check them. Otherwise the
     * address is blocked: refuse without looking at the credentials, and tell the client to retry
     * after the returned number of seconds; this attempt counted as a further failure.
     */
    public long retryAfterSeconds(InetAddress client, Protocol protocol) {
        if (!policy.enabled() || client == null) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        InetAddress key = key(client);
        long waitNanos;
        synchronized (this) {
            Entry e = entries.get(key);
            if (e == null || !isBlocked(e, now)) {
                return 0;
            }
            e.countFailure(now);
            block(e, now);
            waitNanos = e.blockedUntil - now;
        }
        blocked.get(protocol).increment();
        return Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }

    /** {@code client}'s credentials were checked and were wrong. */
    public void failed(InetAddress client, Protocol protocol) {
        failures.get(protocol).increment();
        if (!policy.enabled() || client == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        InetAddress key = key(client);
        long blockedFor = 0;
        int count;
        synchronized (this) {
            Entry e = entry(key, now);
            e.countFailure(now);
            count = e.failures;
            if (e.failures >= policy.threshold()) {
                boolean wasBlocked = isBlocked(e, now);
                block(e, now);
                blockedFor = wasBlocked ? 0 : e.blockNanos;
            }
        }
        if (blockedFor > 0) {
            log.warn("authentication from {} blocked for {} s after {} consecutive failures ({}); it is refused"
                    + " unchecked until then", describe(key), TimeUnit.NANOSECONDS.toSeconds(blockedFor), count,
                    protocol.tag());
        }
    }

    /** {@code client}'s credentials were right: its failures are forgotten. */
    public void succeeded(InetAddress client) {
        if (!policy.enabled() || client == null) {
            return;
        }
        InetAddress key = key(client);
        synchronized (this) {
            entries.remove(key);
        }
    }

    /** Addresses remembered now (tests: the table stays bounded). */
    synchronized int size() {
        return entries.size();
    }

    /**
     * Registers {@code scanout.auth.failures} and {@code scanout.auth.blocked}, tagged
     * {@code protocol}. Call once per registry.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (Protocol p : Protocol.values()) {
            FunctionCounter.builder("scanout.auth.failures", failures.get(p), LongAdder::doubleValue)
                    .description("authentications whose credentials were checked and wrong")
                    .tag("protocol", p.tag()).register(registry);
            FunctionCounter.builder("scanout.auth.blocked", blocked.get(p), LongAdder::doubleValue)
                    .description("authentications refused unchecked: too many failures from their address")
                    .tag("protocol", p.tag()).register(registry);
        }
    }

    private boolean isBlocked(Entry e, long now) {
        return e.blockNanos > 0 && now - e.blockedUntil < 0;
    }

    /** Starts the entry's first block, or the next one at twice the length. */
    private void block(Entry e, long now) {
        e.blockNanos = e.blockNanos == 0 ? firstBlockNanos : Math.min(2 * e.blockNanos, maxBlockNanos);
        e.blockedUntil = now + e.blockNanos;
    }

    /** Forgotten: not blocked, and quiet for the longest block since its last failure or block. */
    private boolean isExpired(Entry e, long now) {
        if (isBlocked(e, now)) {
            return false;
        }
        long quietSince = e.blockNanos > 0 && e.blockedUntil - e.lastFailure > 0 ? e.blockedUntil : e.lastFailure;
        return now - quietSince >= maxBlockNanos;
    }

    /** The entry for {@code key}, made (room made first) when it is new or expired. Under the lock. */
    private Entry entry(InetAddress key, long now) {
        Entry e = entries.get(key);
        if (e != null && !isExpired(e, now)) {
            return e;
        }
        entries.remove(key);
        if (entries.size() >= maxAddresses) {
            makeRoom(now);
        }
        Entry fresh = new Entry();
        entries.put(key, fresh);
        return fresh;
    }

    /** Drops expired entries among the oldest few; failing that, the least recently active one. */
    private void makeRoom(long now) {
        Iterator<Entry> oldest = entries.values().iterator();
        boolean dropped = false;
        for (int i = 0; i < EXPIRED_SCAN && oldest.hasNext(); i++) {
            if (isExpired(oldest.next(), now)) {
                oldest.remove();
                dropped = true;
            }
        }
        if (!dropped) {
            Iterator<Entry> eldest = entries.values().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** The address a client is counted by: itself for IPv4, its /64 for IPv6. */
    static InetAddress key(InetAddress client) {
        if (!(client instanceof Inet6Address)) {
            return client;
        }
        byte[] bytes = client.getAddress();
        Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }

    private static String describe(InetAddress key) {
        return key instanceof Inet6Address ? key.getHostAddress() + "/64" : key.getHostAddress();
    }

    private static Map<Protocol, LongAdder> adders() {
        Map<Protocol, LongAdder> map = new EnumMap<>(Protocol.class);
        for (Protocol p : Protocol.values()) {
            map.put(p, new LongAdder());
        }
        return map;
    }
}
