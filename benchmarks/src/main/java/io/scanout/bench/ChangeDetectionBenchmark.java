package io.scanout.bench;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.convert.DetectChanges;
import io.scanout.convert.internal.ByteViews;
import io.scanout.convert.internal.TileDiff;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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

/**
 * {@link DetectChanges}' hot path on an XR24 frame of the synthetic picture, at 1920×1080 and
 * 3840×2160: comparing an unchanged frame (in memory of its own, as a source's next frame is)
 * with the previous one in 64×64 tiles (by their hashes where the JVM has the Vector API, as this
 * benchmark's does), next to the physical floor measured in
 * the same run — reading the frame's bytes once as fast as this JVM can, summing them in SIMD
 * registers with the Vector API ({@code readFloor}; {@code readFloorScalar} sums them a long at a
 * time). Also a frame where one tile changed, which adds that tile's copy.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ChangeDetectionBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ChangeDetectionBenchmark {
    @Param({"1920x1080", "3840x2160"})
    public String size;

    private FramePool pool;
    private Frame previous;
    private Frame current;
    private ByteBuffer currentBytes;
    private TileDiff diff;
    private int flip;

    @Setup(Level.Trial)
    public void setUp() {
        int[] wh = VideoFormat.parseSize(size);
        pool = new FramePool();
        VideoFormat format = new VideoFormat(DrmFormat.XR24, wh[0], wh[1]);
        SyntheticPattern pattern = new SyntheticPattern(format.width(), format.height());
        previous = pool.acquire(format);
        pattern.render(1234, previous);
        current = pool.acquire(previous.layout());
        current.buffer().put(0, previous.buffer(), 0, previous.buffer().capacity());
        currentBytes = current.buffer();
        diff = new TileDiff(previous.layout(), DetectChanges.DEFAULT_TILE_SIZE, pool, new ByteViews());
        diff.prime(previous);
    }

    /** Compares an unchanged frame: finds nothing, copies nothing. */
    @Benchmark
    public int detectUnchanged() {
        return diff.compare(current);
    }

    /** One pixel in the middle changes every time: one tile found and copied. */
    @Benchmark
    public int detectOneTileChanged() {
        int at = current.height() / 2 * current.layout().stride(0) + current.width() / 2 * 4;
        currentBytes.put(at, (byte) (flip++));
        return diff.compare(current);
    }

    /** Reads every byte of the frame once, a SIMD register at a time: the floor any comparison sits on. */
    @Benchmark
    public long readFloor() {
        ByteBuffer b = currentBytes;
        VectorSpecies<Long> longs = LongVector.SPECIES_PREFERRED;
        LongVector sum = LongVector.zero(longs);
        int end = b.capacity() - b.capacity() % longs.vectorByteSize();
        for (int i = 0; i < end; i += longs.vectorByteSize()) {
            sum = sum.add(LongVector.fromByteBuffer(longs, b, i, ByteOrder.LITTLE_ENDIAN));
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** Reads every byte of the frame once, a long at a time. */
    @Benchmark
    public long readFloorScalar() {
        ByteBuffer b = currentBytes;
        long sum = 0;
        int end = b.capacity() & ~7;
        for (int i = 0; i < end; i += 8) {
            sum += b.getLong(i);
        }
        return sum;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        diff.close();
        current.release();
        previous.release();
        pool.close();
    }
}
