package io.scanout.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny fan-out run (2 viewers of a small synthetic stream for 2 s) against a real
 * {@code scanout serve} process, to prove the load client works end to end. It checks that the
 * figures exist and make sense, never how fast anything was: speed is for the benchmark itself.
 */
class FanoutRunTest {

    @Test
    void twoViewersReceiveTheStreamAndTheRunReportsIt(@TempDir Path logs) throws Exception {
        FanoutResult result = new FanoutRun("synthetic:320x240@15", 2, Duration.ofSeconds(1), Duration.ofSeconds(2),
                null, List.of("-Xmx256m"), List.of(), logs).run();

        assertThat(result.viewers()).isEqualTo(2);
        assertThat(result.failedViewers()).isZero();
        assertThat(result.protocolErrors()).as("CONFIG first, then a keyframe, sequences going up").isZero();
        assertThat(result.viewerSide().fpsSorted()).hasSize(2);
        assertThat(result.fpsMin()).as("the slower viewer got packets too").isPositive();
        assertThat(result.viewerSide().distinctPackets()).isPositive();
        assertThat(result.encodedFps()).isPositive();
        assertThat(result.serverCpu()).as("read from /proc/PID/stat of the server process").isPositive();
        // Capture happens before the packet reaches a viewer, on the server's clock (offset applied).
        assertThat(result.viewerSide().captureToReceive()[0]).isNotNegative();
        assertThat(result.clockRoundTripMs()).as("a PONG came back").isLessThan(60_000.0);
        assertThat(result.hubToSocketP50()).as("scraped from /metrics").isNotNaN();
        assertThat(result.markdownRow()).startsWith("| 2 |");
        assertThat(logs.resolve("scanout-fanout-2.log")).content().contains("Scanout is serving");
    }
}
