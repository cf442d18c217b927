package io.scanout.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scanout.core.FramePool;
import org.bytedeco.javacpp.Pointer;

/**
 * The server's meter registry: Prometheus text at {@code /metrics}, with the JVM's meters, open
 * file descriptors, the native memory JavaCPP holds (FFmpeg's buffers) and Scanout's frame pool.
 * The streams' own meters are declared in {@link io.scanout.core.metrics.StreamMeters}.
 */
final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    ServerMetrics(FramePool pool) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("scanout.native.memory.physical", Pointer::physicalBytes).baseUnit(BaseUnits.BYTES)
                .description("resident memory of the process as JavaCPP reads it").register(registry);
        Gauge.builder("scanout.native.memory.javacpp", Pointer::totalBytes).baseUnit(BaseUnits.BYTES)
                .description("native memory JavaCPP allocated and still holds").register(registry);
        Gauge.builder("scanout.frames.outstanding", pool, p -> p.stats().outstanding())
                .description("pooled frames handed out and not yet released").register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
