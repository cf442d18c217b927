package io.scanout.convert.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.convert.FrameConverter;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An application that embeds the convert stage on a JVM started without
 * {@code --add-modules jdk.incubator.vector}: the stage must still load and work, on the plain-Java
 * kernel and byte comparison, never touching a class of the missing module. Runs {@link #main} in
 * a JVM of its own, started without the flag.
 */
class WithoutVectorApiTest {
    @Test
    void theStageConvertsAndComparesWithoutTheModule() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                WithoutVectorApiTest.class.getName()))
                .redirectErrorStream(true).start();
        String output;
        try {
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the JVM without the module finished").isTrue();
        } finally {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.destroyForcibly();
        }
        assertThat(output).as("its output").doesNotContain("Exception", "Error")
                .contains("vectorised=false", "because=the JVM runs without --add-modules jdk.incubator.vector",
                        "hashes=false", "changed tiles=0 then 1", "converted=NV12 64x48",
                        "XR30 64x48 to NV12 64x48, direct (plain Java", "converted 10-bit=NV12 64x48");
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** What the test's JVM runs: reports how the stage set itself up, and uses it. */
    public static void main(String[] args) {
        System.out.println("vectorised=" + RowPairKernels.vectorised());
        System.out.println("because=" + RowPairKernels.whyNotVectorised().orElse("-"));
        try (FramePool pool = new FramePool()) {
            Frame frame = pool.acquire(new VideoFormat(DrmFormat.XR24, 64, 48));
            try (TileDiff diff = new TileDiff(frame.layout(), 16, pool, new ByteViews());
                 FrameConverter converter = FrameConverter.to(DrmFormat.NV12, pool)) {
                System.out.println("hashes=" + diff.hashes());
                diff.prime(frame);
                int unchanged = diff.compare(frame);
                frame.buffer().put(100, (byte) 0x55);
                System.out.println("changed tiles=" + unchanged + " then " + diff.compare(frame));
                Frame out = converter.convert(frame);
                System.out.println("converted=" + out.format() + " " + out.width() + "x" + out.height());
                out.release();
                // 10-bit RGB goes direct even here: the plain-Java kernel beats libswscale and does not dither.
                Frame deep = pool.acquire(new VideoFormat(DrmFormat.XR30, 64, 48));
                try {
                    out = converter.convert(deep);
                    System.out.println("converted 10-bit=" + out.format() + " " + out.width() + "x" + out.height());
                    out.release();
                } finally {
                    deep.release();
                }
            } finally {
                frame.release();
            }
        }
    }
}
