package io.scanout.convert.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExclusiveUseTest {
    private final AtomicInteger released = new AtomicInteger();
    private final ExclusiveUse use = new ExclusiveUse("the thing", released::incrementAndGet);

    @Test
    void closeWhenIdleReleasesAtOnceAndOnce() {
        use.enter();
        use.exit();
        use.close();
        use.close();

        assertThat(released).hasValue(1);
        assertThat(use.isClosed()).isTrue();
        assertThatThrownBy(use::enter).isInstanceOf(IllegalStateException.class).hasMessage("the thing is closed");
    }

    @Test
    void closeDuringAUseWaitsForItsEnd() {
        use.enter();
        use.close();
        assertThat(released).as("not under the running use").hasValue(0);
        assertThat(use.isClosed()).isTrue();

        use.exit();
        assertThat(released).hasValue(1);
        use.close();
        assertThat(released).hasValue(1);
    }

    @Test
    void aSecondUserAtOnceIsRefused() {
        use.enter();
        assertThatThrownBy(use::enter).hasMessage("the thing is used by two threads at once");
        use.exit();
        use.enter();
        use.exit();
        assertThat(released).hasValue(0);
    }
}
