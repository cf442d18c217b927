package io.scanout.transport.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.transport.security.AuthThrottle.Policy;
import io.scanout.transport.security.AuthThrottle.Protocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The throttle of failed authentications on a fake clock: no sleeping, no wall-clock time. */
class AuthThrottleTest {
    /** A fake monotonic clock, started far from zero so that no code can lean on "0 means unset". */
    private final AtomicLong now = new AtomicLong(-7_000_000_000_000L);
    private final AuthThrottle throttle = new AuthThrottle(Policy.DEFAULT, now::get);

    private void advance(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void fail(InetAddress client, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(throttle.retryAfterSeconds(client, Protocol.RFB)).as("failure %d is checked", i + 1).isZero();
            throttle.failed(client, Protocol.RFB);
        }
    }

    @Test
    void theFifthConsecutiveFailureBlocksForTenSecondsThenOneMoreTryIsChecked() {
        InetAddress a = ip("192.0.2.1");
        fail(a, 4);
        assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).as("4 failures do not block").isZero();
        throttle.failed(a, Protocol.RFB);
        advance(9);
        assertThat(throttle.retryAfterSeconds(a, Protocol.HTTP)).as("9 s into a 10 s block... which this doubles")
                .isEqualTo(20);
        advance(20);
        assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).as("the block is over").isZero();
        // A failure right after a block blocks again at once, for twice as long as the last block.
        throttle.failed(a, Protocol.RFB);
        assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).isEqualTo(80);
    }

    @Test
    void aClientThatWaitsAsToldGetsItsTryAndBlocksDoubleUpToTheCap() {
        InetAddress a = ip("192.0.2.2");
        fail(a, 5);
        long expected = 10;
        for (int round = 0; round < 10; round++) {
            advance(expected); // waits exactly as long as it was blocked
            assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).as("round %d", round).isZero();
            throttle.failed(a, Protocol.RFB);
            expected = Math.min(expected * 2, 600);
            advance(expected - 1);
            assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).as("still blocked in round %d", round)
                    .isEqualTo(Math.min(expected * 2, 600));
            expected = Math.min(expected * 2, 600);
        }
        assertThat(expected).as("the cap was reached").isEqualTo(600);
    }

    @Test
    void aSuccessForgetsTheFailures() {
        InetAddress a = ip("192.0.2.3");
        fail(a, 4);
        throttle.succeeded(a);
        fail(a, 4);
        assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).isZero();
        throttle.failed(a, Protocol.RFB);
        assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).isEqualTo(20);
    }

    @Test
    void otherAddressesAreUnaffectedAndIpv6CountsBySlash64() {
        InetAddress a = ip("192.0.2.4");
        fail(a, 5);
        assertThat(throttle.retryAfterSeconds(ip("192.0.2.5"), Protocol.RFB)).isZero();
        assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).isPositive();

        fail(ip("2001:db8:1:2::1"), 3);
        fail(ip("2001:db8:1:2:ffff:1:2:3"), 2); // same /64: five in all
        assertThat(throttle.retryAfterSeconds(ip("2001:db8:1:2::99"), Protocol.HTTP)).isPositive();
        assertThat(throttle.retryAfterSeconds(ip("2001:db8:1:3::1"), Protocol.HTTP)).as("the next /64").isZero();
        assertThat(AuthThrottle.key(ip("2001:db8:1:2:ffff:1:2:3"))).isEqualTo(ip("2001:db8:1:2::"));
    }

    @Test
    void loopbackIsCountedLikeAnyAddress() {
        fail(ip("127.0.0.1"), 5);
        assertThat(throttle.retryAfterSeconds(ip("127.0.0.1"), Protocol.HTTP)).isEqualTo(20);
        assertThat(throttle.retryAfterSeconds(ip("127.0.0.2"), Protocol.HTTP)).isZero();
    }

    @Test
    void oldFailuresAreForgottenAfterTheLongestBlock() {
        InetAddress a = ip("192.0.2.6");
        fail(a, 4);
        advance(Policy.DEFAULT_MAX_BLOCK.toSeconds());
        fail(a, 4);
        assertThat(throttle.retryAfterSeconds(a, Protocol.RFB)).as("four old and four new failures").isZero();
    }

    @Test
    void offNeverBlocksButStillCounts() {
        AuthThrottle off = new AuthThrottle(Policy.OFF, now::get);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        off.bindTo(registry);
        for (int i = 0; i < 100; i++) {
            assertThat(off.retryAfterSeconds(ip("192.0.2.7"), Protocol.HTTP)).isZero();
            off.failed(ip("192.0.2.7"), Protocol.HTTP);
        }
        assertThat(off.size()).isZero();
        assertThat(registry.get("scanout.auth.failures").tag("protocol", "http").functionCounter().count())
                .isEqualTo(100);
    }

    @Test
    void metersCountFailuresAndBlockedAttemptsByProtocol() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        throttle.bindTo(registry);
        InetAddress a = ip("192.0.2.8");
        fail(a, 5);
        throttle.retryAfterSeconds(a, Protocol.HTTP);
        throttle.retryAfterSeconds(a, Protocol.HTTP);
        throttle.retryAfterSeconds(a, Protocol.RFB);
        assertThat(registry.get("scanout.auth.failures").tag("protocol", "rfb").functionCounter().count()).isEqualTo(5);
        assertThat(registry.get("scanout.auth.failures").tag("protocol", "http").functionCounter().count()).isZero();
        assertThat(registry.get("scanout.auth.blocked").tag("protocol", "http").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("scanout.auth.blocked").tag("protocol", "rfb").functionCounter().count()).isEqualTo(1);
    }

    @Test
    void aFloodOfAddressesKeepsTheTableBoundedAndABlockedHammererStaysBlocked() {
        InetAddress hammerer = ip("198.51.100.1");
        fail(hammerer, 5);
        for (int i = 0; i < 100_000; i++) {
            InetAddress one = ip("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));
            throttle.failed(one, Protocol.HTTP);
            if (i % 1000 == 0) {
                // Still hammering: it stays among the recently active, so the flood does not evict it.
                assertThat(throttle.retryAfterSeconds(hammerer, Protocol.HTTP)).isPositive();
            }
            assertThat(throttle.size()).isLessThanOrEqualTo(AuthThrottle.DEFAULT_MAX_ADDRESSES);
        }
        assertThat(throttle.size()).isEqualTo(AuthThrottle.DEFAULT_MAX_ADDRESSES);
        assertThat(throttle.retryAfterSeconds(hammerer, Protocol.HTTP)).isPositive();
    }

    @Test
    void expiredEntriesMakeRoomBeforeActiveOnes() {
        AuthThrottle small = new AuthThrottle(Policy.DEFAULT, now::get, 2);
        InetAddress old = ip("192.0.2.10");
        InetAddress recent = ip("192.0.2.11");
        small.failed(old, Protocol.RFB);
        advance(Policy.DEFAULT_MAX_BLOCK.toSeconds());
        small.failed(recent, Protocol.RFB);
        small.failed(recent, Protocol.RFB);
        advance(1);
        // Looked up, so the most recently used, yet its one failure is older than the longest block.
        assertThat(small.retryAfterSeconds(old, Protocol.RFB)).isZero();
        small.failed(ip("192.0.2.12"), Protocol.RFB);
        assertThat(small.size()).isEqualTo(2);
        // Had the recent address been evicted (least recently used), these three would not block it.
        for (int i = 0; i < 3; i++) {
            small.failed(recent, Protocol.RFB);
        }
        assertThat(small.retryAfterSeconds(recent, Protocol.RFB)).as("its earlier failures were kept").isPositive();
    }

    @Test
    void policyValuesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> Policy.of(-1, Duration.ofSeconds(10))).hasMessageContaining("0 (off) to 1000");
        assertThatThrownBy(() -> Policy.of(5, Duration.ZERO)).hasMessageContaining("from 1 s to 600 s");
        assertThatThrownBy(() -> Policy.of(5, Duration.ofMinutes(11))).hasMessageContaining("not 660 s");
        assertThat(Policy.of(0, Duration.ofSeconds(10)).enabled()).isFalse();
    }
}
