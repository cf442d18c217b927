package io.scanout.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import java.lang.management.ManagementFactory;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hot path allocates nothing per frame: over 1000 conversions at a steady format, the
 * threads doing the work — the converting thread and the direct path's helper threads
 * ({@code scanout-convert-N}, which convert bands of rows) — allocate no more heap together than
 * taking the same 1000 output frames from the pool and giving them back: the {@link Frame}
 * reference objects core makes per acquire, which no stage can avoid. (libswscale's slice threads
 * are native: they cannot allocate Java heap.) Counted with {@code
 * ThreadMXBean.getThreadAllocatedBytes} per thread, deterministic.
 */
class ConversionAllocationTest {
    /** Allocation that does not come with every conversion: far below one object per conversion. */
    private static final int ONE_OFF = 4096;
    private static final int FRAMES = 1000;
    /** What {@link io.scanout.convert.internal.DirectConversion} names its helper threads. */
    private static final String HELPER_PREFIX = "scanout-convert-";

    private final FramePool pool = new FramePool();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @AfterEach
    void noLeaks() {
        assertThat(pool.stats().outstanding()).as("frames not released").isZero();
        pool.close();
    }

    static Stream<Arguments> conversions() {
        return Stream.of(
                Arguments.of(DrmFormat.XR24, ConvertSettings.to(DrmFormat.NV12)),
                // libswscale's slice threads allocate nothing either.
                Arguments.of(DrmFormat.AB24, ConvertSettings.to(DrmFormat.YU12).withThreads(2)),
                Arguments.of(DrmFormat.RG16, ConvertSettings.to(DrmFormat.NV12)),
                Arguments.of(DrmFormat.XR30, ConvertSettings.to(DrmFormat.P010)),
                Arguments.of(DrmFormat.AR30, ConvertSettings.to(DrmFormat.YU12)),
                // Through an I420 scratch frame (PixelFormats.throughFirst).
                Arguments.of(DrmFormat.P010, ConvertSettings.to(DrmFormat.NV12)),
                Arguments.of(DrmFormat.NV12, ConvertSettings.to(DrmFormat.YU12)
                        .withColorimetry(new Colorimetry(Colorimetry.Matrix.BT601, Colorimetry.Range.FULL))),
                Arguments.of(DrmFormat.XR24, ConvertSettings.to(DrmFormat.NV12).withCrop(new Rect(2, 2, 320, 180))
                        .withScaling(Scaling.exactly(160, 90)).withThreads(2)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("conversions")
    void aSteadyStreamAllocatesNoMoreThanThePoolsFrameReferences(DrmFormat input, ConvertSettings settings) {
        Frame in = pool.acquire(new VideoFormat(input, 640, 360));
        try (FrameConverter converter = FrameConverter.create(settings, pool)) {
            VideoFormat outputFormat = converter.outputFormat(in.videoFormat());
            for (int i = 0; i < FRAMES; i++) {
                converter.convert(in).release();
                pool.acquire(outputFormat).release();
            }

            long[] working = convertingThreads();
            long start = allocated(working);
            for (int i = 0; i < FRAMES; i++) {
                converter.convert(in).release();
            }
            long converting = allocated(working) - start;

            // The same output layout, as the converter caches it, so only acquire/release is counted.
            io.scanout.core.PlaneLayout layout = io.scanout.core.PlaneLayout.packed(outputFormat.format(),
                    outputFormat.width(), outputFormat.height(), FramePool.STRIDE_ALIGNMENT);
            start = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < FRAMES; i++) {
                pool.acquire(layout).release();
            }
            long poolOnly = threads.getCurrentThreadAllocatedBytes() - start;

            System.out.printf("%s with %s: %d B per conversion, %d B per pool round trip%n", input, settings,
                    converting / FRAMES, poolOnly / FRAMES);
            // Scratch frames (RG16's XR24 on the way to NV12) are pool round trips too: allow one
            // per conversion. (P010 into NV12 is rounded in place, DepthReduction: none.)
            long scratch = input == DrmFormat.RG16 ? poolOnly : 0;
            // The smallest object is 16 bytes: anything made per conversion shows as 16 000 or more.
            // What is made once in a while (a JIT deoptimisation's, 16 B in one run) stays under ONE_OFF.
            assertThat(converting).as("bytes allocated by %d conversions (pool alone: %d)", FRAMES, poolOnly)
                    .isLessThan(poolOnly + scratch + ONE_OFF);
        } finally {
            in.release();
        }
    }

    /** The ids of this thread and of every live converter helper thread (made before, so not counted). */
    private static long[] convertingThreads() {
        long self = Thread.currentThread().getId();
        return LongStream.concat(LongStream.of(self), Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(HELPER_PREFIX) && t.getId() != self)
                .mapToLong(Thread::getId)).toArray();
    }

    /** Heap allocated so far by these threads; allocates nothing itself. */
    private long allocated(long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += threads.getThreadAllocatedBytes(id);
        }
        return sum;
    }

    /** The direct path with each of its kernels (the Vector API one where this JVM has it). */
    @org.junit.jupiter.params.ParameterizedTest(name = "Vector API kernel: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void theDirectPathWithHelperThreadsAllocatesNothingPerFrame(boolean vectorKernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(!vectorKernel
                || io.scanout.convert.internal.RowPairKernels.vectorised(), "no Vector API kernel on this JVM");
        Frame in = pool.acquire(new VideoFormat(DrmFormat.AB24, 640, 360));
        ConvertSettings settings = ConvertSettings.to(DrmFormat.YU12).withThreads(2);
        try (io.scanout.convert.internal.DirectConversion direct =
                     io.scanout.convert.internal.DirectConversion.create(in.videoFormat(), settings, vectorKernel)) {
            for (int i = 0; i < FRAMES; i++) {
                direct.run(in, pool).release();
            }
            long[] working = convertingThreads();
            assertThat(working).as("the calling thread and its helper").hasSizeGreaterThanOrEqualTo(2);
            long start = allocated(working);
            for (int i = 0; i < FRAMES; i++) {
                direct.run(in, pool).release();
            }
            long converting = allocated(working) - start;
            VideoFormat out = new VideoFormat(DrmFormat.YU12, 640, 360);
            io.scanout.core.PlaneLayout layout = io.scanout.core.PlaneLayout.packed(out.format(), out.width(),
                    out.height(), FramePool.STRIDE_ALIGNMENT);
            start = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < FRAMES; i++) {
                pool.acquire(layout).release();
            }
            long poolOnly = threads.getCurrentThreadAllocatedBytes() - start;
            System.out.printf("direct, Vector API kernel %s: %d B per conversion on %d threads, %d B per pool round"
                    + " trip%n", vectorKernel, converting / FRAMES, working.length, poolOnly / FRAMES);
            assertThat(converting).as("bytes allocated by %d direct conversions (pool alone: %d)", FRAMES, poolOnly)
                    .isLessThan(poolOnly + ONE_OFF);
        } finally {
            in.release();
        }
    }
}
