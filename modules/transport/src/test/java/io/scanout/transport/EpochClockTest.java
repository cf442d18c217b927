package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochClockTest {
    @Test
    void convertsNanoTimeThroughTheAnchor() {
        EpochClock clock = new EpochClock(1_700_000_000_000_000L, 5_000_000_000L);
        assertThat(clock.epochMicros(5_000_000_000L)).isEqualTo(1_700_000_000_000_000L);
        assertThat(clock.epochMicros(5_000_001_999L)).isEqualTo(1_700_000_000_000_001L);
        // Before the anchor rounds down too, so one µs never covers two readings' order.
        assertThat(clock.epochMicros(4_999_999_999L)).isEqualTo(1_699_999_999_999_999L);
    }

    @Test
    void startsNearTheSystemClock() {
        long before = Instant.now().toEpochMilli();
        EpochClock clock = EpochClock.start();
        long after = Instant.now().toEpochMilli();
        assertThat(clock.nowMicros() / 1000).isBetween(before, after + 1000);
    }
}
