package io.scanout.bench;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.convert.ConvertSettings;
import io.scanout.convert.FrameConverter;
import io.scanout.convert.internal.ConversionPlan;
import io.scanout.convert.internal.DirectConversion;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The convert stage's cost per frame of the synthetic picture, at 1920×1080 and 3840×2160:
 * XR24 → NV12, RG16 → NV12 (through XR24) and XR30 → P010 with {@link FrameConverter} (which
 * takes its direct path with the Vector API kernel for XR24 → NV12), each next to its physical
 * floor measured in the same run — a plain copy of the same input bytes into another native
 * buffer ({@code copyFloor}, a memcpy underneath) — to libswscale doing the same conversion
 * ({@code convertLibswscale}) and, for XR24, to the direct path's plain-Java kernel
 * ({@code convertPlainJava}).
 * {@code -prof gc} shows the bytes allocated per conversion ({@code gc.alloc.rate.norm}).
 * {@link ConvertRawFrames} writes the same frames for timing the ffmpeg command line on them.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ConvertBenchmark -f 1 -wi 2 -i 3 -p threads=1,2</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ConvertBenchmark {
    @Param({"1920x1080", "3840x2160"})
    public String size;

    /** {@code INPUT>TARGET}. */
    @Param({"XR24>NV12", "RG16>NV12", "XR30>P010"})
    public String conversion;

    /** libswscale slice threads; 0 lets the converter choose by size. */
    @Param({"1"})
    public int threads;

    private FramePool pool;
    private Frame input;
    private Frame copy;
    private ByteBuffer inputBytes;
    private ByteBuffer copyBytes;
    private FrameConverter converter;
    private ConversionPlan libswscale;
    private DirectConversion plainJava;

    @Setup(Level.Trial)
    public void setUp() {
        int[] wh = VideoFormat.parseSize(size);
        String[] pair = conversion.split(">");
        pool = new FramePool();
        VideoFormat format = new VideoFormat(DrmFormat.parse(pair[0]), wh[0], wh[1]);
        input = pool.acquire(format);
        new SyntheticPattern(format.width(), format.height()).render(1234, input);
        copy = pool.acquire(input.layout());
        inputBytes = input.buffer();
        copyBytes = copy.buffer();
        ConvertSettings settings = ConvertSettings.to(DrmFormat.parse(pair[1])).withThreads(threads);
        converter = FrameConverter.create(settings, pool);
        libswscale = ConversionPlan.create(format, settings);
        if (DirectConversion.supports(format, settings)) {
            plainJava = DirectConversion.create(format, settings, false);
        }
    }

    /** Converts and gives the output back to the pool, as the encoder would after reading it. */
    @Benchmark
    public void convert(Blackhole blackhole) {
        Frame out = converter.convert(input);
        blackhole.consume(out);
        out.release();
    }

    /** The same conversion through libswscale alone, as the stage did before its direct path. */
    @Benchmark
    public void convertLibswscale(Blackhole blackhole) {
        Frame out = libswscale.run(input, pool);
        blackhole.consume(out);
        out.release();
    }

    /** The direct path with its plain-Java kernel (RGB into what it takes: XR24, XR30; the others measure nothing). */
    @Benchmark
    public void convertPlainJava(Blackhole blackhole) {
        if (plainJava != null) {
            Frame out = plainJava.run(input, pool);
            blackhole.consume(out);
            out.release();
        }
    }

    /** Copies the input's bytes into another native buffer (a memcpy underneath): the floor. */
    @Benchmark
    public void copyFloor(Blackhole blackhole) {
        copyBytes.put(0, inputBytes, 0, inputBytes.capacity());
        blackhole.consume(copyBytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        converter.close();
        libswscale.close();
        if (plainJava != null) {
            plainJava.close();
        }
        copy.release();
        input.release();
        pool.close();
    }
}
