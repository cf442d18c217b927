package io.scanout.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {
    private static final String BEFORE = """
            # HELP scanout_frames_dropped_total frames not carried on
            # TYPE scanout_frames_dropped_total counter
            scanout_frames_dropped_total{reason="backpressure",stream="main"} 30.0
            scanout_frames_dropped_total{reason="viewer-behind",stream="main"} 2.0
            scanout_stage_latency_seconds_bucket{stage="send",stream="main",le="0.001"} 10
            scanout_stage_latency_seconds_bucket{stage="send",stream="main",le="0.002"} 10
            scanout_stage_latency_seconds_bucket{stage="send",stream="main",le="+Inf"} 10
            scanout_stage_latency_seconds_bucket{stage="encode",stream="main",le="0.001"} 0
            scanout_stage_latency_seconds_bucket{stage="encode",stream="main",le="+Inf"} 5
            scanout_viewers{stream="main"} 0.0
            """;
    private static final String AFTER = """
            scanout_frames_dropped_total{reason="backpressure",stream="main"} 31.0
            scanout_frames_dropped_total{reason="viewer-behind",stream="main"} 9.0
            scanout_stage_latency_seconds_bucket{stage="send",stream="main",le="0.001"} 20
            scanout_stage_latency_seconds_bucket{stage="send",stream="main",le="0.002"} 110
            scanout_stage_latency_seconds_bucket{stage="send",stream="main",le="+Inf"} 110
            scanout_stage_latency_seconds_bucket{stage="encode",stream="main",le="0.001"} 0
            scanout_stage_latency_seconds_bucket{stage="encode",stream="main",le="+Inf"} 5
            scanout_viewers{stream="main"} 500.0
            """;

    @Test
    void sumsCountersByLabel() {
        MetricsScrape before = MetricsScrape.parse(BEFORE);
        MetricsScrape after = MetricsScrape.parse(AFTER);
        assertThat(after.sum("scanout_frames_dropped_total", "reason", "viewer-behind")
                - before.sum("scanout_frames_dropped_total", "reason", "viewer-behind")).isEqualTo(7.0);
        assertThat(after.sum("scanout_frames_dropped_total")).isEqualTo(40.0);
        assertThat(after.sum("scanout_viewers", "stream", "main")).isEqualTo(500.0);
        assertThat(after.sum("scanout_viewers", "stream", "other")).isZero();
    }

    @Test
    void quantileCoversOnlyWhatWasRecordedBetweenTheScrapes() {
        TreeMap<Double, Double> before = MetricsScrape.parse(BEFORE).buckets("scanout_stage_latency_seconds",
                "stage", "send");
        TreeMap<Double, Double> after = MetricsScrape.parse(AFTER).buckets("scanout_stage_latency_seconds",
                "stage", "send");
        // In between: 10 values ≤ 1 ms and 90 in (1, 2] ms. The median (rank 50) is 40/90 into the second bucket.
        assertThat(MetricsScrape.quantile(before, after, 0.5)).isCloseTo(0.001 + 0.001 * 40 / 90, within(1e-9));
        assertThat(MetricsScrape.quantile(before, after, 0.05)).isCloseTo(0.0005, within(1e-9));
    }

    @Test
    void quantileOfNothingRecordedIsNaN() {
        TreeMap<Double, Double> before = MetricsScrape.parse(BEFORE).buckets("scanout_stage_latency_seconds",
                "stage", "encode");
        TreeMap<Double, Double> after = MetricsScrape.parse(AFTER).buckets("scanout_stage_latency_seconds",
                "stage", "encode");
        assertThat(MetricsScrape.quantile(before, after, 0.5)).isNaN();
    }
}
