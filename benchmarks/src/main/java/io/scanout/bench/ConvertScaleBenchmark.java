package io.scanout.bench;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.convert.ConvertSettings;
import io.scanout.convert.FrameConverter;
import io.scanout.convert.Scaling;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
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
 * {@code --max-size 1920x1080} on a 3840×2160 XR24 synthetic frame: convert to NV12 and halve in
 * one libswscale pass, per filter — what {@link Scaling#DEFAULT_FILTER} was chosen from.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ConvertScaleBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ConvertScaleBenchmark {
    @Param({"BILINEAR", "BICUBIC", "LANCZOS"})
    public String filter;

    @Param({"1"})
    public int threads;

    private FramePool pool;
    private Frame input;
    private FrameConverter converter;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new FramePool();
        VideoFormat format = new VideoFormat(DrmFormat.XR24, 3840, 2160);
        input = pool.acquire(format);
        new SyntheticPattern(format.width(), format.height()).render(1234, input);
        Scaling scaling = Scaling.fitInside(1920, 1080).withFilter(Scaling.Filter.valueOf(filter));
        converter = FrameConverter.create(ConvertSettings.to(DrmFormat.NV12).withScaling(scaling).withThreads(threads),
                pool);
    }

    @Benchmark
    public void convertAndHalve(Blackhole blackhole) {
        Frame out = converter.convert(input);
        blackhole.consume(out);
        out.release();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        converter.close();
        input.release();
        pool.close();
    }
}
