package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random Tight rectangles of every kind, some of them mutated, from a fixed seed, through the
 * update decoder: well-formed ones decode, broken ones end their "connection" with a protocol
 * error or a truncation — never another exception — and no message costs more than a small
 * framebuffer's worth of heap. A decoder that failed is replaced, as a connection would be.
 */
class TightFuzzTest {
    private static final Logger log = LoggerFactory.getLogger(TightFuzzTest.class);
    private static final long SEED = 0x71647L;
    private static final int MESSAGES = 3000;
    private static final int WIDTH = 64;
    private static final int HEIGHT = 48;
    /** Heap one message may cost: a JPEG's decoded picture and the reader's tables for a 64x48 rectangle. */
    private static final long MAX_ALLOCATION_PER_MESSAGE = 1 << 20;

    @Test
    void brokenTightIsAProtocolErrorAndMemoryStaysBounded() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Map<String, Integer> endings = new TreeMap<>();
        long decoded = 0;
        long maxAllocation = 0;
        DecoderFixture fixture = new DecoderFixture(WIDTH, HEIGHT);
        TightMessages tight = new TightMessages();
        try {
            for (int i = 0; i < MESSAGES; i++) {
                byte[] message = message(random, tight);
                boolean mutated = random.nextInt(3) == 0;
                if (mutated) {
                    message = mutate(random, message);
                }
                long before = threads.getThreadAllocatedBytes(thread);
                try {
                    fixture.decode(new Wire().bytes(message));
                    decoded++;
                } catch (RfbProtocolException e) {
                    endings.merge("RfbProtocolException: " + e.getMessage().replaceAll("\\d+", "N"), 1, Integer::sum);
                } catch (EOFException e) {
                    endings.merge("EOFException", 1, Integer::sum);
                }
                // The first JPEGs load the JDK's decoder; count from there on.
                if (i >= 100) {
                    maxAllocation = Math.max(maxAllocation, threads.getThreadAllocatedBytes(thread) - before);
                }
                if (mutated) {
                    // A server that sent garbage is disconnected; the next connection starts fresh streams.
                    fixture.close();
                    tight.close();
                    fixture = new DecoderFixture(WIDTH, HEIGHT);
                    tight = new TightMessages();
                }
            }
        } finally {
            fixture.close();
            tight.close();
        }
        endings.forEach((k, v) -> log.info("{} x {}", v, k.length() > 100 ? k.substring(0, 100) : k));
        log.info("{} messages, {} decoded, most heap for one message {} B", MESSAGES, decoded, maxAllocation);
        assertThat(decoded).isGreaterThan(MESSAGES / 2);
        assertThat(endings.keySet()).anyMatch(k -> k.startsWith("RfbProtocolException: Tight"));
        assertThat(maxAllocation).isLessThan(MAX_ALLOCATION_PER_MESSAGE);
    }

    /** One update of one to three well-formed Tight rectangles (type byte included). */
    private static byte[] message(SplittableRandom random, TightMessages tight) {
        int count = 1 + random.nextInt(3);
        Wire w = new Wire().u8(0).u8(0).u16(count);
        for (int i = 0; i < count; i++) {
            int rw = 1 + random.nextInt(WIDTH);
            int rh = 1 + random.nextInt(HEIGHT);
            w.rect(random.nextInt(WIDTH - rw + 1), random.nextInt(HEIGHT - rh + 1), rw, rh, Encodings.TIGHT);
            int[] rgb = new int[rw * rh];
            int colours = 1 + random.nextInt(random.nextBoolean() ? 3 : 300);
            int[] palette = random.ints(colours, 0, 1 << 24).toArray();
            for (int p = 0; p < rgb.length; p++) {
                rgb[p] = palette[random.nextInt(colours)];
            }
            int stream = random.nextInt(4);
            boolean reset = random.nextInt(8) == 0;
            switch (random.nextInt(5)) {
                case 0:
                    tight.fill(w, rgb[0]);
                    break;
                case 1:
                    tight.copy(w, stream, reset, rgb);
                    break;
                case 2:
                    if (colours <= 256 && rgb.length > 1) {
                        int[] distinct = java.util.Arrays.stream(rgb).distinct().toArray();
                        if (distinct.length > 1) {
                            tight.palette(w, stream, reset, rgb, rw);
                            break;
                        }
                    }
                    tight.copy(w, stream, reset, rgb);
                    break;
                case 3:
                    tight.gradient(w, stream, reset, rgb, rw);
                    break;
                default:
                    TightMessages.jpeg(w, rgb, rw, 0.5f);
                    break;
            }
        }
        return w.toByteArray();
    }

    /** The message with bytes flipped, cut short, or its end replaced with junk; never the 4-byte header. */
    private static byte[] mutate(SplittableRandom random, byte[] message) {
        byte[] m = message.clone();
        switch (random.nextInt(3)) {
            case 0:
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    m[4 + random.nextInt(m.length - 4)] ^= (byte) (1 + random.nextInt(255));
                }
                return m;
            case 1:
                return java.util.Arrays.copyOf(m, 4 + random.nextInt(m.length - 4));
            default:
                int from = 4 + random.nextInt(m.length - 4);
                for (int i = from; i < m.length; i++) {
                    m[i] = (byte) random.nextInt(256);
                }
                return m;
        }
    }
}
