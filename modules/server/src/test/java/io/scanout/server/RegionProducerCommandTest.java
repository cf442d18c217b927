package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code scanout region-producer PATH}: as a process, it creates a region file of the documented
 * size and answers a REQUEST_UPDATE written by hand from docs/region-protocol.md; SIGTERM removes
 * the file; a bad value is one line and exit code 2, with no file made.
 */
class RegionProducerCommandTest {
    private static final VarHandle U32 = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** docs/region-protocol.md: room for a 3840×2160 frame at 4 B a pixel, plus the 28-byte metadata, to a page. */
    private static final long REGION_BYTES = (3840L * 2160 * 4 + 28 + 4095) / 4096 * 4096;

    private final Path path = Path.of("/dev/shm", "scanout-test-" + UUID.randomUUID());

    @AfterEach
    void removeRegion() throws IOException {
        Files.deleteIfExists(path);
    }

    @Test
    void answersOneRequestWithRg16MetadataAndRemovesItsFileOnSigterm() throws Exception {
        try (ScanoutProcess producer = ScanoutProcess.start("region-producer", path.toString(), "--size", "320x240",
                "--fps", "30", "--format", "RG16")) {
            producer.awaitLine("answering at " + path);
            assertThat(Files.size(path)).isEqualTo(REGION_BYTES);

            MappedByteBuffer region;
            try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                region = file.map(FileChannel.MapMode.READ_WRITE, 0, REGION_BYTES);
            }
            int meta = (int) (REGION_BYTES - 28);
            U32.setRelease(region, meta + 24, 1); // REQUEST_UPDATE
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((int) U32.getAcquire(region, meta + 24) != 2 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat((int) U32.getAcquire(region, meta + 24)).as("state: UPDATE_COMPLETE").isEqualTo(2);
            assertThat((int) U32.get(region, meta)).as("argsz").isEqualTo(28);
            assertThat((int) U32.get(region, meta + 4)).as("format, fourcc 'RG16'")
                    .isEqualTo('R' | 'G' << 8 | '1' << 16 | '6' << 24);
            assertThat((int) U32.get(region, meta + 8)).as("offset").isZero();
            assertThat((int) U32.get(region, meta + 12)).as("width").isEqualTo(320);
            assertThat((int) U32.get(region, meta + 16)).as("height").isEqualTo(240);
            assertThat((int) U32.get(region, meta + 20)).as("stride").isEqualTo(640);
            // The top-left pixel is the first colour bar, 75% white (191, 191, 191) as RGB 5:6:5.
            int r = Math.round(191 * 31 / 255f);
            int g = Math.round(191 * 63 / 255f);
            assertThat(region.order(ByteOrder.LITTLE_ENDIAN).getShort(0) & 0xffff).isEqualTo(r << 11 | g << 5 | r);

            producer.terminate();
            assertThat(Files.exists(path)).as("the region file after SIGTERM").isFalse();
        }
    }

    @ParameterizedTest
    @Timeout(30) // a value wrongly accepted would start a producer that runs until interrupted
    @CsvSource(delimiter = '|', value = {
        "--format=BOGUS  | BOGUS",
        "--format=NV12   | NV12",
        "--size=wide     | WIDTHxHEIGHT",
        "--size=320x0    | 320x0",
        "--size=8x8      | 8x8",
        "--fps=0         | frame rate 0",
    })
    void aBadValueIsOneLineAndExitCode2(String argument, String mentioned) {
        assertThat(ScanoutRun.of("region-producer", path.toString(), argument).usageErrorLine())
                .containsIgnoringCase(mentioned);
        assertThat(Files.exists(path)).as("no region file for a bad command line").isFalse();
    }
}
