package io.scanout.capture.region;

import static io.scanout.capture.region.RegionTesting.awaitPollersGone;
import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.DrmFormat;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * The consumer against a producer written here from the struct alone, through Java's
 * own file mapping and none of the source's code: the wire layout, the byte order and the
 * handshake are checked from the outside.
 */
class RawProducerTest {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int REGION = 64 * 1024;
    private static final int W = 37;
    private static final int H = 21;
    private static final int STRIDE = 160;
    private static final int OFFSET = 1000;

    @TempDir
    Path dir;

    @Test
    void readsWhatAProducerFollowingTheStructWrites() throws Exception {
        Path path = dir.resolve("raw");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answers = new AtomicInteger();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE); FramePool pool = new FramePool()) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, REGION);
            map.order(ByteOrder.LITTLE_ENDIAN);
            int meta = REGION - 28;
            Thread producer = new Thread(() -> {
                while (!stop.get()) {
                    if ((int) INT.getAcquire(map, meta + 24) != 1) {
                        LockSupport.parkNanos(200_000);
                        continue;
                    }
                    int n = answers.incrementAndGet();
                    for (int y = 0; y < H; y++) {
                        for (int x = 0; x < W; x++) {   // XB24: R, G, B, X in memory
                            int at = OFFSET + y * STRIDE + x * 4;
                            map.put(at, (byte) x).put(at + 1, (byte) y).put(at + 2, (byte) n).put(at + 3, (byte) 0xff);
                        }
                    }
                    map.putInt(meta, 28).putInt(meta + 4, 'X' | 'B' << 8 | '2' << 16 | '4' << 24)
                            .putInt(meta + 8, OFFSET).putInt(meta + 12, W).putInt(meta + 16, H).putInt(meta + 20, STRIDE);
                    INT.setRelease(map, meta + 24, 2);
                }
            }, "raw-producer");
            producer.start();
            try {
                RegionSource source = RegionSource.open(new RegionSettings(path, 100, 2000), pool, StreamMeters.noop());
                StepVerifier.create(source.frames().take(3))
                        .assertNext(e -> check(e))
                        .assertNext(e -> check(e))
                        .assertNext(e -> check(e))
                        .expectComplete()
                        .verify(Duration.ofSeconds(20));
                awaitPollersGone();
                // The consumer wrote only the state: what the producer put in the other fields is intact.
                assertThat(map.getInt(meta)).isEqualTo(28);
                assertThat(map.getInt(meta + 12)).isEqualTo(W);
                assertThat(map.getInt(meta + 20)).isEqualTo(STRIDE);
                assertThat(map.getInt(meta + 24)).isIn(1, 2);
            } finally {
                stop.set(true);
                producer.join();
            }
        }
        assertThat(answers.get()).isBetween(3, 4);
    }

    private static void check(FrameEvent e) {
        try {
            assertThat(e.videoFormat().format()).isEqualTo(DrmFormat.XB24);
            assertThat(e.frame().width()).isEqualTo(W);
            assertThat(e.frame().height()).isEqualTo(H);
            ByteBuffer b = e.frame().buffer();
            int stride = e.frame().layout().stride(0);
            int answer = b.get(2) & 0xff;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int at = (int) e.frame().layout().offset(0) + y * stride + x * 4;
                    assertThat(new int[] {b.get(at), b.get(at + 1), b.get(at + 2) & 0xff, b.get(at + 3) & 0xff})
                            .as("pixel %d,%d", x, y).containsExactly(x, y, answer, 0xff);
                }
            }
        } finally {
            e.release();
        }
    }
}
