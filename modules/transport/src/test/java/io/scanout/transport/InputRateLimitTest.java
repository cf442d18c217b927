package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock stepped by hand. */
class InputRateLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    private int taken(InputRateLimit limit, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += limit.tryTake() ? 1 : 0;
        }
        return n;
    }

    @Test
    void aFullBucketGivesItsBurstThenOneTokenPerPeriod() {
        InputRateLimit limit = new InputRateLimit(200, 50, now::get);
        assertThat(taken(limit, 80)).isEqualTo(50);
        now.addAndGet(4_999_999); // just under one token (5 ms at 200/s)
        assertThat(limit.tryTake()).isFalse();
        now.addAndGet(1);
        assertThat(limit.tryTake()).isTrue();
        assertThat(limit.tryTake()).isFalse();
    }

    @Test
    void aSteadyFloodPassesAtTheRate() {
        InputRateLimit limit = new InputRateLimit(200, 50, now::get);
        int passed = 0;
        // 1000 events a second for 10 s, a millisecond apart.
        for (int ms = 0; ms < 10_000; ms++) {
            passed += limit.tryTake() ? 1 : 0;
            now.addAndGet(1_000_000);
        }
        assertThat(passed).isEqualTo(50 + 10_000 / 5 - 1);
    }

    @Test
    void anIdleBucketRefillsOnlyToItsBurst() {
        InputRateLimit limit = new InputRateLimit(200, 50, now::get);
        assertThat(taken(limit, 50)).isEqualTo(50);
        now.addAndGet(3_600_000_000_000L); // an hour
        assertThat(taken(limit, 200)).isEqualTo(50);
    }

    @Test
    void nonsenseRatesAreRefused() {
        assertThatThrownBy(() -> new InputRateLimit(0, 5, now::get)).hasMessageContaining("not 0");
        assertThatThrownBy(() -> new InputRateLimit(5, 0, now::get)).hasMessageContaining("not 0");
    }
}
