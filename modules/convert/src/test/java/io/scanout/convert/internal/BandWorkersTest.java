package io.scanout.convert.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class BandWorkersTest {
    @Test
    void everyBandRunsExactlyOncePerRunOnEveryRun() {
        int bands = 37;
        AtomicIntegerArray counts = new AtomicIntegerArray(bands);
        AtomicIntegerArray workersSeen = new AtomicIntegerArray(3);
        try (BandWorkers workers = new BandWorkers((band, worker) -> {
            counts.incrementAndGet(band);
            workersSeen.incrementAndGet(worker);
        }, bands, 3, "test-bands")) {
            assertThat(workers.threads()).isEqualTo(3);
            for (int run = 1; run <= 200; run++) {
                workers.run();
                for (int band = 0; band < bands; band++) {
                    assertThat(counts.get(band)).as("band %d after run %d", band, run).isEqualTo(run);
                }
            }
        }
        assertThat(workersSeen.get(0)).as("bands the caller ran").isPositive();
    }

    @Test
    void aFailingBandIsRethrownAndTheNextRunWorks() {
        boolean[] fail = {true};
        AtomicIntegerArray counts = new AtomicIntegerArray(8);
        try (BandWorkers workers = new BandWorkers((band, worker) -> {
            counts.incrementAndGet(band);
            if (band == 5 && fail[0]) {
                throw new IllegalStateException("band 5 broke");
            }
        }, 8, 2, "test-bands")) {
            assertThatThrownBy(workers::run).isInstanceOf(IllegalStateException.class).hasMessage("band 5 broke");
            for (int band = 0; band < 8; band++) {
                assertThat(counts.get(band)).as("band %d still ran", band).isEqualTo(1);
            }
            fail[0] = false;
            workers.run();
            assertThat(counts.get(5)).isEqualTo(2);
        }
    }

    @Test
    void aClosedWorkerSetRefusesRuns() {
        BandWorkers workers = new BandWorkers((band, worker) -> { }, 4, 2, "test-bands");
        workers.close();
        assertThatThrownBy(workers::run).isInstanceOf(IllegalStateException.class)
                .hasMessage("the band workers are closed");
    }
}
